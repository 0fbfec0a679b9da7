package dev.bulwark.server.advisories;

import dev.bulwark.vuln.match.AdvisoryIndex;
import dev.bulwark.vuln.match.Scanner;
import dev.bulwark.vuln.osv.Advisory;
import dev.bulwark.vuln.osv.OsvFormatException;
import dev.bulwark.vuln.osv.OsvLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The advisories the server matches releases against: loaded from the configured OSV sources at
 * start, held as one immutable index, replaced whole on a reload (never half-updated).
 */
public final class Advisories {
  private static final Logger LOG = LoggerFactory.getLogger(Advisories.class);

  private final List<Path> sources;
  private final AtomicReference<AdvisoryIndex> index =
      new AtomicReference<>(AdvisoryIndex.build(List.of()));

  private final List<java.net.URI> urls;
  private final OsvDownloader downloader;
  private final Path cacheDir;

  public Advisories(List<Path> sources) {
    this(sources, List.of(), null);
  }

  /** Files and directories, plus HTTP URLs of export zips fetched into {@code cacheDir}. */
  public Advisories(List<Path> sources, List<java.net.URI> urls, Path cacheDir) {
    this.sources = List.copyOf(sources);
    this.urls = List.copyOf(urls);
    this.downloader = urls.isEmpty() ? null : new OsvDownloader(cacheDir);
    this.cacheDir = cacheDir;
  }

  private static final java.util.regex.Pattern ABSOLUTE_PATH =
      java.util.regex.Pattern.compile("(?<![\\w.:/])/[^\\s'\"!,;)]+");

  /**
   * A load failure as API clients may read it: each source is named by its place in the
   * configuration and its last name ({@code source 2 (Go.zip)}), a record inside a directory by its
   * path below that directory, and any other absolute path is left out. The server's own paths (and
   * a URL's credentials) stay in the server log, which has the full message.
   */
  public String redact(String message) {
    record Label(String needle, String label) {}
    List<Label> labels = new ArrayList<>();
    for (int i = 0; i < sources.size(); i++) {
      Path src = sources.get(i).toAbsolutePath().normalize();
      String label =
          "source " + (i + 1) + (src.getFileName() == null ? "" : " (" + src.getFileName() + ")");
      labels.add(new Label(src.toString(), label));
      if (!src.toString().equals(sources.get(i).toString())) {
        labels.add(new Label(sources.get(i).toString(), label));
      }
    }
    for (int i = 0; i < urls.size(); i++) {
      String label = "source " + (sources.size() + i + 1) + " (" + urls.get(i).getHost() + ")";
      labels.add(new Label(urls.get(i).toString(), label));
    }
    if (cacheDir != null) {
      labels.add(new Label(cacheDir.toAbsolutePath().normalize().toString(), "the download cache"));
      labels.add(new Label(cacheDir.toString(), "the download cache"));
    }
    // Longest first, so a source inside another's directory is named as itself.
    labels.sort(java.util.Comparator.comparingInt((Label l) -> l.needle().length()).reversed());
    String m = String.valueOf(message);
    for (Label l : labels) {
      m =
          m.replace(l.needle() + java.io.File.separator, l.label() + ": ")
              .replace(l.needle(), l.label());
    }
    return ABSOLUTE_PATH.matcher(m).replaceAll("(a server path)");
  }

  /**
   * What a reload changed: advisories added, removed, withdrawn or modified, by id, and how long
   * reading and indexing took.
   */
  public record Change(
      AdvisoryIndex before, AdvisoryIndex after, Set<String> changedIds, long loadMillis) {}

  /**
   * One source file as parsed last time, reused while its size, mtime and file key stay; {@code
   * content} is its records' part of the load's {@link Stamp}.
   */
  private record Parsed(List<Object> stamp, List<Advisory> advisories, Stamp content) {}

  /** The files of the last load, in load order. */
  private Map<Path, Parsed> parsed = Map.of();

  /** id -> modified and withdrawn, of the advisories loaded last. */
  private final Map<String, String> versions = new HashMap<>();

  /** What the last successful load read, as nodes compare it. */
  private volatile Stamp loaded = Stamp.NONE;

  /** Told the stamp of every sync's load; nothing until {@link #onSync} is called. */
  private volatile java.util.function.Consumer<String> onSync = stamp -> {};

  /**
   * Who is told when a sync loaded the sources (the {@link AdvisoryFollower}, which announces it to
   * the other nodes). A {@link #refresh} is not told: it follows an announcement, or is the start.
   */
  public void onSync(java.util.function.Consumer<String> announce) {
    this.onSync = java.util.Objects.requireNonNull(announce);
  }

  /**
   * The sync's load: {@link #refresh}, then the new stamp is announced ({@link #onSync}), so the
   * other nodes of the deployment reload their index too. Finding re-evaluation is the caller's.
   */
  public Change load() throws OsvFormatException, IOException {
    Change c = refresh();
    onSync.accept(stamp());
    return c;
  }

  /**
   * What the index was loaded from, as nodes compare it: {@code <records>:<hex>}, the same on every
   * node whose sources hold the same records (whatever their paths or file names).
   */
  public String stamp() {
    return loaded.text();
  }

  /**
   * Loads every source; on any error the previous index stays and the error is thrown. Files whose
   * size, modification time and file key are unchanged since the last load are not read again, and
   * the index reuses what it compiled for their records, so dropping one new record into a
   * directory of half a million costs that record, not the half million. A changed export zip is
   * read whole: a zip is one file. If the same id appears in two files, the index holds both (one
   * group) and the change detection follows the file that changed.
   */
  public synchronized Change refresh() throws OsvFormatException, IOException {
    AdvisoryIndex before = index.get();
    if (sources.isEmpty() && urls.isEmpty()) {
      return new Change(before, before, Set.of(), 0);
    }
    long t0 = System.nanoTime();
    List<Path> files = new ArrayList<>();
    for (Path source : sources) {
      files.addAll(filesOf(source));
    }
    for (java.net.URI u : urls) {
      files.add(downloader.fetch(u).file());
    }
    // Files known from the last load keep their place and new files come after them, so that new
    // records extend the index (AdvisoryIndex.rebuild's fast path) instead of regrouping it all.
    // Which finding id and aliases a group reports does not depend on this order.
    Set<Path> present = new HashSet<>(files);
    List<Path> ordered = new ArrayList<>();
    for (Path known : parsed.keySet()) {
      if (present.contains(known)) {
        ordered.add(known);
      }
    }
    Set<Path> placed = new HashSet<>(ordered);
    for (Path f : files) {
      if (placed.add(f)) {
        ordered.add(f);
      }
    }
    files = ordered;
    Map<Path, Parsed> next = new LinkedHashMap<>();
    Set<String> oldIds = new HashSet<>();
    Map<String, String> newValues = new HashMap<>();
    for (Path f : files) {
      if (next.containsKey(f)) {
        continue;
      }
      List<Object> stamp = stamp(f);
      Parsed p = parsed.get(f);
      if (p == null || !p.stamp().equals(stamp)) {
        List<Advisory> read = new ArrayList<>();
        OsvLoader.load(f, read);
        if (p != null) {
          p.advisories().forEach(a -> oldIds.add(a.id()));
        }
        read.forEach(a -> newValues.put(a.id(), a.modified() + "|" + a.withdrawn()));
        p = new Parsed(stamp, List.copyOf(read), Stamp.of(read));
      }
      next.put(f, p);
    }
    parsed.forEach(
        (f, p) -> {
          if (!next.containsKey(f)) {
            p.advisories().forEach(a -> oldIds.add(a.id()));
          }
        });
    Set<String> changed = new HashSet<>();
    for (var e : newValues.entrySet()) {
      if (!e.getValue().equals(versions.get(e.getKey()))) {
        changed.add(e.getKey());
      }
    }
    for (String gone : oldIds) {
      if (!newValues.containsKey(gone)) {
        changed.add(gone);
      }
    }
    AdvisoryIndex after = before;
    if (!changed.isEmpty() || !next.keySet().equals(parsed.keySet())) {
      List<Advisory> loaded = new ArrayList<>();
      next.values().forEach(p -> loaded.addAll(p.advisories()));
      after = before.rebuild(loaded);
    }
    oldIds.forEach(versions::remove);
    versions.putAll(newValues);
    parsed = next;
    index.set(after);
    Stamp content = Stamp.NONE;
    for (Parsed p : next.values()) {
      content = content.plus(p.content());
    }
    loaded = content;
    long took = (System.nanoTime() - t0) / 1_000_000;
    LOG.info(
        "loaded {} advisories ({} withdrawn, {} changed) from {} in {} ms",
        after.size(),
        after.withdrawn(),
        changed.size(),
        sources,
        took);
    return new Change(before, after, Set.copyOf(changed), took);
  }

  /** A directory's records (recursively, in the loader's order), or the source itself. */
  private static List<Path> filesOf(Path source) throws IOException {
    // A missing file fails in the loader, with its message.
    return Files.isDirectory(source) ? OsvLoader.recordFiles(source) : List.of(source);
  }

  private static List<Object> stamp(Path f) {
    try {
      BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
      return java.util.Arrays.asList(a.size(), a.lastModifiedTime(), a.fileKey());
    } catch (IOException e) {
      return List.of(new Object()); // unreadable now: read again, and let the loader say why
    }
  }

  public AdvisoryIndex index() {
    return index.get();
  }

  public Scanner scanner() {
    return new Scanner(index.get());
  }
}
