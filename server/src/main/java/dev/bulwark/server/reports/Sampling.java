package dev.bulwark.server.reports;

import dev.bulwark.common.Sha256;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;

/**
 * The sample of a population, drawn with the auditor's seed so that anyone can draw it again
 * without Bulwark: each deployment's key is SHA-256 of the UTF-8 bytes of {@code seed + "\n" + id}
 * (the id in decimal), and the sample is the {@code n} deployments with the smallest keys (compared
 * as lowercase hex, which is unsigned byte order), smallest first. A hash ranking rather than a
 * seeded shuffle: it needs no named PRNG, it does not depend on the order the population is listed
 * in, and a sample of n is the first n of a sample of n + 1.
 */
final class Sampling {
  static final String METHOD = "sha256-rank/v1";

  static final String PROCEDURE =
      "For each deployment in the population compute SHA-256 over the UTF-8 bytes of the seed, a"
          + " newline (0x0A) and the deployment id in decimal; order the deployments by these"
          + " hashes as lowercase hex strings, smallest first; the sample is the first N. In"
          + " Python: sorted(ids, key=lambda i: hashlib.sha256(f\"{seed}\\n{i}\".encode())"
          + ".hexdigest())[:N].";

  private Sampling() {}

  /** A drawn id with its key. */
  record Drawn(long id, String key) {}

  static String key(String seed, long id) {
    return HexFormat.of().formatHex(Sha256.of((seed + "\n" + id).getBytes(StandardCharsets.UTF_8)));
  }

  /** The {@code n} ids with the smallest keys, smallest first. */
  static List<Drawn> draw(String seed, long[] ids, int n) {
    if (n <= 0 || ids.length == 0) {
      return List.of();
    }
    Drawn[] all = new Drawn[ids.length];
    for (int i = 0; i < ids.length; i++) {
      all[i] = new Drawn(ids[i], key(seed, ids[i]));
    }
    Arrays.sort(all, Comparator.comparing(Drawn::key));
    return new ArrayList<>(Arrays.asList(all).subList(0, Math.min(n, all.length)));
  }

  /** SHA-256 of the ids, each in decimal followed by a newline, in ascending order. */
  static String populationDigest(long[] ids) {
    long[] sorted = ids.clone();
    Arrays.sort(sorted);
    StringBuilder sb = new StringBuilder(sorted.length * 8);
    for (long id : sorted) {
      sb.append(id).append('\n');
    }
    return Sha256.prefixed(sb.toString().getBytes(StandardCharsets.UTF_8));
  }
}
