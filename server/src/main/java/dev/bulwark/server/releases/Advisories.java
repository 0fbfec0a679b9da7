package dev.bulwark.server.releases;

import dev.bulwark.vuln.match.AdvisoryIndex;
import dev.bulwark.vuln.match.Scanner;
import dev.bulwark.vuln.osv.Advisory;
import dev.bulwark.vuln.osv.OsvFormatException;
import dev.bulwark.vuln.osv.OsvLoader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
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

  public Advisories(List<Path> sources) {
    this(sources, List.of(), null);
  }

  /** Files and directories, plus HTTP URLs of export zips fetched into {@code cacheDir}. */
  public Advisories(List<Path> sources, List<java.net.URI> urls, Path cacheDir) {
    this.sources = List.copyOf(sources);
    this.urls = List.copyOf(urls);
    this.downloader = urls.isEmpty() ? null : new OsvDownloader(cacheDir);
  }

  /** What a reload changed: advisories added, removed, withdrawn or modified, by id. */
  public record Change(AdvisoryIndex before, AdvisoryIndex after, Set<String> changedIds) {}

  /** id -> modified and withdrawn, of the advisories loaded last. */
  private Map<String, String> versions = Map.of();

  /** Loads every source; on any error the previous index stays and the error is thrown. */
  public synchronized Change load() throws OsvFormatException, IOException {
    AdvisoryIndex before = index.get();
    if (sources.isEmpty() && urls.isEmpty()) {
      return new Change(before, before, Set.of());
    }
    long t0 = System.nanoTime();
    List<Path> all = new java.util.ArrayList<>(sources);
    for (java.net.URI u : urls) {
      all.add(downloader.fetch(u).file());
    }
    List<Advisory> loaded = OsvLoader.load(all);
    AdvisoryIndex next = AdvisoryIndex.build(loaded);
    Map<String, String> now = new HashMap<>();
    for (Advisory a : loaded) {
      now.put(a.id(), a.modified() + "|" + a.withdrawn());
    }
    Set<String> changed = new HashSet<>();
    for (var e : now.entrySet()) {
      if (!e.getValue().equals(versions.get(e.getKey()))) {
        changed.add(e.getKey());
      }
    }
    for (String gone : versions.keySet()) {
      if (!now.containsKey(gone)) {
        changed.add(gone);
      }
    }
    versions = Map.copyOf(now);
    index.set(next);
    LOG.info(
        "loaded {} advisories ({} withdrawn) from {} in {} ms",
        next.size(),
        next.withdrawn(),
        sources,
        (System.nanoTime() - t0) / 1_000_000);
    return new Change(before, next, Set.copyOf(changed));
  }

  public AdvisoryIndex index() {
    return index.get();
  }

  public Scanner scanner() {
    return new Scanner(index.get());
  }
}
