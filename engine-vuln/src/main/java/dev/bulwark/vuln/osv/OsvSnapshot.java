package dev.bulwark.vuln.osv;

import dev.bulwark.vuln.version.Ecosystem;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiPredicate;

/**
 * A local snapshot of advisory sources, so a cold {@code bulwark scan} reads only the records its
 * SBOM needs. Written once after a full read of the sources; read by memory-mapping. It holds, per
 * record, its raw bytes, its source name and its alias group (computed over every record), and a
 * sorted table of 64-bit package-key hashes to record numbers. A hash collision only costs the
 * parse of an extra record: the index still matches by exact name. The snapshot is keyed by the
 * sources' paths, sizes and modification times; any change makes it stale and it is rebuilt.
 *
 * <p>Layout (big-endian): magic, format version, the ecosystems named (one string, newline
 * separated), record count, withdrawn count, then the sections: package hashes (sorted), posting
 * offsets, postings, record offsets, lengths, flags, group numbers, source-name offsets,
 * group-id-list offsets, a string region and the record data. A group's id list is followed by its
 * rating: the id of the record that gives it (empty when no record of the group is rated), then its
 * level, score (NaN for none), vector and source.
 */
public final class OsvSnapshot {
  private static final long MAGIC = 0x42574b4f53563031L; // "BWKOSV01"
  // 2: the ecosystems the records name (in the header) and each group's rating (after its ids).
  private static final int FORMAT = 2;

  private OsvSnapshot() {}

  /** The key of a set of sources: absolute paths, sizes and modification times. */
  public static String keyOf(List<Path> sources) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (Path p : sources) {
      Path abs = p.toAbsolutePath().normalize();
      sb.append(abs).append('|');
      if (Files.isDirectory(abs)) {
        try (var files = Files.walk(abs)) {
          for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
            sb.append(f)
                .append(':')
                .append(Files.size(f))
                .append(':')
                .append(Files.getLastModifiedTime(f).toMillis())
                .append(';');
          }
        }
      } else if (Files.exists(abs)) {
        sb.append(Files.size(abs)).append(':').append(Files.getLastModifiedTime(abs).toMillis());
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  static long hash(String ecosystemName, String name) {
    Optional<Ecosystem> eco = Ecosystem.fromOsv(ecosystemName);
    String key =
        eco.map(e -> e.name() + ":" + e.normalizeName(name))
            .orElse("?:" + ecosystemName + ":" + name);
    // FNV-1a, 64 bit: stable across runs and JVMs.
    long h = 0xcbf29ce484222325L;
    for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
      h ^= (b & 0xff);
      h *= 0x100000001b3L;
    }
    return h;
  }

  /** Public form of the package hash, for callers that select by (ecosystem, name). */
  public static long packageHash(Ecosystem ecosystem, String name) {
    return hash(ecosystem.osvName(), name);
  }

  /** Reads every record of the sources and writes a snapshot to {@code file} (atomically). */
  public static void write(List<Path> sources, Path file) throws IOException, OsvFormatException {
    write(sources, file, read -> {});
  }

  /**
   * {@link #write(List, Path)}, telling {@code progress} how many records were read so far (called
   * for every record: a caller that draws keeps it cheap).
   */
  public static void write(List<Path> sources, Path file, java.util.function.IntConsumer progress)
      throws IOException, OsvFormatException {
    List<byte[]> data = new ArrayList<>();
    List<String> where = new ArrayList<>();
    List<Boolean> yaml = new ArrayList<>();
    List<OsvParser.Links> links = new ArrayList<>();
    Map<Long, List<Integer>> postings = new HashMap<>();
    Set<String> ecosystems = new TreeSet<>();
    for (Path p : sources) {
      OsvLoader.readRecords(
          p,
          (w, bytes, isYaml) -> {
            int n = data.size();
            List<String[]> packages;
            OsvParser.Links l;
            if (isYaml) {
              Advisory a = OsvParser.parse(w, bytes, true);
              l = OsvParser.Links.of(a);
              packages =
                  a.affected().stream()
                      .filter(ap -> ap.name() != null)
                      .map(ap -> new String[] {ap.ecosystemName(), ap.name()})
                      .toList();
            } else {
              OsvParser.Skim s = OsvParser.skim(w, bytes);
              l = s.links();
              packages = s.packages();
            }
            data.add(bytes);
            where.add(w);
            yaml.add(isYaml);
            links.add(l);
            progress.accept(data.size());
            for (String[] pk : packages) {
              if (!l.withdrawn() && pk[0] != null) {
                ecosystems.add(pk[0]);
              }
              List<Integer> list =
                  postings.computeIfAbsent(hash(pk[0], pk[1]), k -> new ArrayList<>());
              if (list.isEmpty() || list.get(list.size() - 1) != n) {
                list.add(n);
              }
            }
          });
    }
    int n = data.size();
    // Alias groups over every record (withdrawn ones do not join groups).
    int[] parent = new int[n];
    Arrays.setAll(parent, i -> i);
    Map<String, Integer> owner = new HashMap<>();
    int withdrawn = 0;
    for (int i = 0; i < n; i++) {
      OsvParser.Links l = links.get(i);
      if (l.withdrawn()) {
        withdrawn++;
        continue;
      }
      List<String> keys = new ArrayList<>(l.others());
      keys.add(l.id());
      for (String k : keys) {
        Integer j = owner.putIfAbsent(k, i);
        if (j != null) {
          int a = find(parent, i);
          int b = find(parent, j);
          if (a != b) {
            parent[Math.max(a, b)] = Math.min(a, b);
          }
        }
      }
    }
    Map<Integer, Set<String>> groupIds = new HashMap<>();
    Map<Integer, OsvParser.Links> groupRating = new HashMap<>();
    int[] group = new int[n];
    for (int i = 0; i < n; i++) {
      group[i] = find(parent, i);
      OsvParser.Links l = links.get(i);
      if (!l.withdrawn()) {
        Set<String> s = groupIds.computeIfAbsent(group[i], k -> new TreeSet<>());
        s.add(l.id());
        s.addAll(l.others());
        if (l.severity().known()) {
          groupRating.merge(group[i], l, OsvSnapshot::preferred);
        }
      }
    }
    long[] hashes = postings.keySet().stream().mapToLong(Long::longValue).sorted().toArray();

    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.createDirectories(file.toAbsolutePath().getParent());
    try (OutputStream fo = Files.newOutputStream(tmp);
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(fo, 1 << 20))) {
      // Strings: source names and group id lists, each as (int count, then UTF-8 strings).
      java.io.ByteArrayOutputStream strings = new java.io.ByteArrayOutputStream();
      DataOutputStream sw = new DataOutputStream(strings);
      int[] whereOffset = new int[n];
      for (int i = 0; i < n; i++) {
        whereOffset[i] = sw.size();
        sw.writeUTF(where.get(i));
      }
      Map<Integer, Integer> groupOffset = new HashMap<>();
      for (var e : groupIds.entrySet()) {
        groupOffset.put(e.getKey(), sw.size());
        sw.writeInt(e.getValue().size());
        for (String id : e.getValue()) {
          sw.writeUTF(id);
        }
        OsvParser.Links rated = groupRating.get(e.getKey());
        if (rated == null) {
          sw.writeUTF("");
        } else {
          Severity r = rated.severity();
          sw.writeUTF(rated.id());
          sw.writeUTF(r.level().name());
          sw.writeDouble(r.score() == null ? Double.NaN : r.score());
          sw.writeUTF(r.vector() == null ? "" : r.vector());
          sw.writeUTF(r.source() == null ? "" : r.source());
        }
      }
      out.writeLong(MAGIC);
      out.writeInt(FORMAT);
      out.writeUTF(String.join("\n", ecosystems));
      out.writeInt(n);
      out.writeInt(withdrawn);
      out.writeInt(hashes.length);
      for (long h : hashes) {
        out.writeLong(h);
      }
      int postingOffset = 0;
      for (long h : hashes) {
        out.writeInt(postingOffset);
        postingOffset += 1 + postings.get(h).size();
      }
      out.writeInt(postingOffset);
      for (long h : hashes) {
        List<Integer> list = postings.get(h);
        out.writeInt(list.size());
        for (int r : list) {
          out.writeInt(r);
        }
      }
      long offset = 0;
      for (int i = 0; i < n; i++) {
        out.writeLong(offset);
        offset += data.get(i).length;
      }
      for (int i = 0; i < n; i++) {
        out.writeInt(data.get(i).length);
        out.writeByte(yaml.get(i) ? 1 : 0);
        out.writeByte(links.get(i).withdrawn() ? 1 : 0);
        out.writeInt(whereOffset[i]);
        out.writeInt(groupOffset.getOrDefault(group[i], -1));
      }
      out.writeInt(strings.size());
      strings.writeTo(out);
      for (byte[] d : data) {
        out.write(d);
      }
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** The rating a group is given: as {@code AdvisoryIndex.aliasRating} chooses, ties to the id. */
  private static OsvParser.Links preferred(OsvParser.Links a, OsvParser.Links b) {
    int c = Severity.PREFERENCE.compare(a.severity(), b.severity());
    return c > 0 || (c == 0 && a.id().compareTo(b.id()) <= 0) ? a : b;
  }

  private static int find(int[] p, int i) {
    while (p[i] != i) {
      p[i] = p[p[i]];
      i = p[i];
    }
    return i;
  }

  /**
   * What a snapshot read returns: the selected advisories, links that carry their groups and their
   * groups' ratings, and the ecosystems named by the sources' records.
   */
  public record Selected(
      List<Advisory> advisories,
      List<OsvParser.Links> links,
      int records,
      int withdrawn,
      Set<String> ecosystems) {
    public Selected {
      ecosystems = Set.copyOf(ecosystems);
    }
  }

  /**
   * Reads from a snapshot only the records whose packages hash to one of {@code wanted}, then keeps
   * those that really name a wanted package. Returns empty when the file is not a snapshot of this
   * format (the caller then rebuilds it).
   */
  public static Optional<Selected> read(
      Path file, Set<Long> wanted, BiPredicate<String, String> exact)
      throws IOException, OsvFormatException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      if (ch.size() > Integer.MAX_VALUE) {
        return Optional.empty();
      }
      MappedByteBuffer b = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size());
      if (b.remaining() < 12 || b.getLong() != MAGIC || b.getInt() != FORMAT) {
        return Optional.empty();
      }
      Set<String> ecosystems = new TreeSet<>();
      for (String e : utfAt(b, b.position()).split("\n")) {
        if (!e.isEmpty()) {
          ecosystems.add(e);
        }
      }
      skipUtf(b);
      int n = b.getInt();
      int withdrawn = b.getInt();
      int h = b.getInt();
      int hashesAt = b.position();
      int postingOffsetsAt = hashesAt + h * 8;
      int postingsLen = b.getInt(postingOffsetsAt + h * 4);
      int postingsAt = postingOffsetsAt + h * 4 + 4;
      int recordOffsetsAt = postingsAt + postingsLen * 4;
      int recordMetaAt = recordOffsetsAt + n * 8;
      int meta = 4 + 1 + 1 + 4 + 4;
      int stringsLenAt = recordMetaAt + n * meta;
      int stringsAt = stringsLenAt + 4;
      int dataAt = stringsAt + b.getInt(stringsLenAt);

      TreeSet<Integer> records = new TreeSet<>();
      for (long w : wanted) {
        int lo = 0, hi = h - 1;
        while (lo <= hi) {
          int mid = (lo + hi) >>> 1;
          long v = b.getLong(hashesAt + mid * 8);
          if (v < w) {
            lo = mid + 1;
          } else if (v > w) {
            hi = mid - 1;
          } else {
            int at = postingsAt + b.getInt(postingOffsetsAt + mid * 4) * 4;
            int count = b.getInt(at);
            for (int k = 0; k < count; k++) {
              records.add(b.getInt(at + 4 + k * 4));
            }
            break;
          }
        }
      }
      List<Advisory> out = new ArrayList<>();
      List<OsvParser.Links> links = new ArrayList<>();
      for (int r : records) {
        int m = recordMetaAt + r * meta;
        long offset = b.getLong(recordOffsetsAt + r * 8);
        int len = b.getInt(m);
        boolean isYaml = b.get(m + 4) == 1;
        String where = utfAt(b, stringsAt + b.getInt(m + 6));
        byte[] bytes = new byte[len];
        b.get((int) (dataAt + offset), bytes);
        Advisory a = OsvParser.parse(where, bytes, isYaml);
        if (a.affected().stream()
            .noneMatch(ap -> ap.name() != null && exact.test(ap.ecosystemName(), ap.name()))) {
          continue;
        }
        out.add(a);
        int groupAt = b.getInt(m + 10);
        List<String> ids = new ArrayList<>();
        if (groupAt >= 0) {
          int at = stringsAt + groupAt;
          int count = b.getInt(at);
          at += 4;
          for (int k = 0; k < count; k++) {
            String s = utfAt(b, at);
            ids.add(s);
            at += 2 + (b.getShort(at) & 0xffff);
          }
          String ratedBy = utfAt(b, at);
          at += 2 + (b.getShort(at) & 0xffff);
          if (!ratedBy.isEmpty()) {
            Severity.Level level = Severity.Level.valueOf(utfAt(b, at));
            at += 2 + (b.getShort(at) & 0xffff);
            double score = b.getDouble(at);
            at += 8;
            String vector = utfAt(b, at);
            at += 2 + (b.getShort(at) & 0xffff);
            String source = utfAt(b, at);
            // The record that rates the group, known by its link: it joins the group by its id.
            links.add(
                new OsvParser.Links(
                    ratedBy,
                    false,
                    List.of(),
                    new Severity(
                        level,
                        Double.isNaN(score) ? null : score,
                        vector.isEmpty() ? null : vector,
                        source.isEmpty() ? null : source)));
          }
        }
        links.add(new OsvParser.Links(a.id(), a.withdrawn(), ids));
      }
      return Optional.of(new Selected(out, links, n, withdrawn, ecosystems));
    }
  }

  private static void skipUtf(ByteBuffer b) {
    int len = b.getShort() & 0xffff;
    b.position(b.position() + len);
  }

  private static String utfAt(ByteBuffer b, int at) {
    int len = b.getShort(at) & 0xffff;
    byte[] s = new byte[len];
    b.get(at + 2, s);
    // writeUTF is modified UTF-8; it equals UTF-8 except for NUL and supplementary characters,
    // which ids and file names here do not contain.
    return new String(s, StandardCharsets.UTF_8);
  }
}
