package dev.bulwark.vuln.osv;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Reads advisories from OSV export zips (one record per entry), directories (recursively) and
 * single files, in JSON ({@code .json}) or YAML ({@code .yaml}, {@code .yml}). Zips are read in
 * memory, never extracted, and refused when an entry's name climbs out of the archive (zip slip),
 * an entry inflates past {@link #MAX_ENTRY_BYTES}, or the archive inflates more than {@link
 * #MAX_RATIO} times its size (zip bomb).
 */
public final class OsvLoader {
  static final long MAX_ENTRY_BYTES = 16L * 1024 * 1024;
  static final long MAX_RATIO = 200;
  static final long MAX_TOTAL_BYTES = 8L * 1024 * 1024 * 1024;

  private OsvLoader() {}

  /** Receives each record's bytes, with where it came from. */
  @FunctionalInterface
  interface RecordSink {
    void accept(String where, byte[] bytes, boolean yaml) throws OsvFormatException;
  }

  /** Loads every source; the first unreadable record stops the load with its location. */
  public static List<Advisory> load(List<Path> sources) throws OsvFormatException, IOException {
    List<Advisory> out = new ArrayList<>();
    for (Path p : sources) {
      load(p, out);
    }
    return out;
  }

  public static void load(Path source, List<Advisory> out) throws OsvFormatException, IOException {
    read(source, (where, bytes, yaml) -> out.add(OsvParser.parse(where, bytes, yaml)));
  }

  /**
   * What a selective load returns: the advisories wanted, the alias links of every record, and the
   * ecosystems named by any record that is not withdrawn (what the sources cover).
   */
  public record Selection(
      List<Advisory> advisories,
      List<OsvParser.Links> links,
      int records,
      java.util.Set<String> ecosystems) {
    public Selection {
      ecosystems = java.util.Set.copyOf(ecosystems);
    }
  }

  /**
   * Loads only the advisories that name a wanted package, for a scan that knows its packages before
   * it reads the advisories. Every JSON record is still read, but with a streaming skim of its id,
   * aliases and package names, so the full parse (and the memory it holds) is paid only for the few
   * records that matter. The alias links of all records are kept, so grouping stays exact. Records
   * that are not selected are checked for well-formed JSON and an id, not field by field.
   */
  public static Selection loadSelected(
      List<Path> sources, java.util.function.BiPredicate<String, String> wanted)
      throws OsvFormatException, IOException {
    List<Advisory> selected = new ArrayList<>();
    List<OsvParser.Links> links = new ArrayList<>();
    java.util.Set<String> ecosystems = new java.util.TreeSet<>();
    int[] records = {0};
    for (Path p : sources) {
      read(
          p,
          (where, bytes, yaml) -> {
            records[0]++;
            if (yaml) {
              Advisory a = OsvParser.parse(where, bytes, true);
              links.add(OsvParser.Links.of(a));
              if (!a.withdrawn()) {
                a.affected().stream()
                    .filter(ap -> ap.ecosystemName() != null)
                    .forEach(ap -> ecosystems.add(ap.ecosystemName()));
              }
              if (a.affected().stream()
                  .anyMatch(
                      ap -> ap.name() != null && wanted.test(ap.ecosystemName(), ap.name()))) {
                selected.add(a);
              }
              return;
            }
            OsvParser.Skim skim = OsvParser.skim(where, bytes);
            links.add(skim.links());
            if (!skim.links().withdrawn()) {
              skim.packages().stream()
                  .filter(pk -> pk[0] != null)
                  .forEach(pk -> ecosystems.add(pk[0]));
            }
            if (skim.packages().stream().anyMatch(pk -> wanted.test(pk[0], pk[1]))) {
              selected.add(OsvParser.parse(where, bytes, false));
            }
          });
    }
    return new Selection(selected, links, records[0], ecosystems);
  }

  /** Hands every record of a source to {@code out}, with the same checks as {@link #load}. */
  static void readRecords(Path source, RecordSink out) throws OsvFormatException, IOException {
    read(source, out);
  }

  /** The record files of a directory, recursively, in the order a load reads them. */
  public static List<Path> recordFiles(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files
          .filter(Files::isRegularFile)
          .filter(
              f -> {
                String n = f.getFileName().toString().toLowerCase(Locale.ROOT);
                return n.endsWith(".json") || n.endsWith(".yaml") || n.endsWith(".yml");
              })
          .sorted()
          .toList();
    }
  }

  private static boolean isJson(Path f) {
    return f.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json");
  }

  private static void read(Path source, RecordSink out) throws OsvFormatException, IOException {
    if (Files.isDirectory(source)) {
      for (Path f : recordFiles(source)) {
        out.accept(f.toString(), Files.readAllBytes(f), !isJson(f));
      }
      return;
    }
    if (!Files.isRegularFile(source)) {
      throw new OsvFormatException(source + ": no such file or directory");
    }
    String name = source.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".zip")) {
      loadZip(source, out);
    } else if (name.endsWith(".json") || name.endsWith(".yaml") || name.endsWith(".yml")) {
      out.accept(source.toString(), Files.readAllBytes(source), !name.endsWith(".json"));
    } else {
      throw new OsvFormatException(
          source + ": not an OSV source (expected a .zip, a directory, or a .json/.yaml record)");
    }
  }

  private static void loadZip(Path zip, RecordSink out) throws OsvFormatException, IOException {
    long compressedSize = Files.size(zip);
    long total = 0;
    try (ZipFile zf = new ZipFile(zip.toFile())) {
      Enumeration<? extends ZipEntry> entries = zf.entries();
      while (entries.hasMoreElements()) {
        ZipEntry e = entries.nextElement();
        String entry = e.getName();
        String where = zip + "!" + entry;
        if (isUnsafe(entry)) {
          throw new OsvFormatException(
              where + ": refused: the entry name leaves the archive (zip slip)");
        }
        if (e.isDirectory()) {
          continue;
        }
        String lower = entry.toLowerCase(Locale.ROOT);
        boolean json = lower.endsWith(".json");
        if (!json && !lower.endsWith(".yaml") && !lower.endsWith(".yml")) {
          continue;
        }
        byte[] bytes;
        try (InputStream in = zf.getInputStream(e)) {
          bytes = in.readNBytes((int) MAX_ENTRY_BYTES + 1);
        }
        if (bytes.length > MAX_ENTRY_BYTES) {
          throw new OsvFormatException(
              where
                  + ": refused: the entry inflates past "
                  + MAX_ENTRY_BYTES
                  + " bytes (zip bomb?)");
        }
        total += bytes.length;
        if (total > MAX_TOTAL_BYTES
            || (total > 64L * 1024 * 1024 && total > MAX_RATIO * compressedSize)) {
          throw new OsvFormatException(
              zip
                  + ": refused: the archive inflates more than "
                  + MAX_RATIO
                  + " times its size (zip bomb?)");
        }
        out.accept(where, bytes, !json);
      }
    } catch (ZipException e) {
      throw new OsvFormatException(zip + ": not a readable zip archive: " + e.getMessage());
    }
  }

  static boolean isUnsafe(String entryName) {
    String n = entryName.replace('\\', '/');
    if (n.startsWith("/") || n.matches("^[A-Za-z]:.*")) {
      return true;
    }
    for (String part : n.split("/")) {
      if (part.equals("..")) {
        return true;
      }
    }
    return false;
  }
}
