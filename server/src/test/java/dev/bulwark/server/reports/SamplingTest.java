package dev.bulwark.server.reports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

/** The sample an auditor draws: reproducible, seed-dependent, and drawable without Bulwark. */
class SamplingTest {
  private static final long[] IDS = LongStream.rangeClosed(1, 1000).toArray();

  private static List<Long> ids(List<Sampling.Drawn> drawn) {
    return drawn.stream().map(Sampling.Drawn::id).toList();
  }

  @Test
  void theSameSeedDrawsTheSameSampleAndAnotherSeedAnother() {
    List<Long> a = ids(Sampling.draw("audit-2026-q4", IDS, 25));
    assertThat(a).hasSize(25).doesNotHaveDuplicates();
    assertThat(ids(Sampling.draw("audit-2026-q4", IDS, 25))).isEqualTo(a);
    List<Long> b = ids(Sampling.draw("audit-2026-q4 ", IDS, 25));
    assertThat(b).isNotEqualTo(a);
    assertThat(ids(Sampling.draw("audit-2027-q1", IDS, 25))).isNotEqualTo(a);
  }

  @Test
  void theKeyIsSha256OfSeedNewlineIdAsTheDocumentationSays() {
    // printf 'seed\n42' | sha256sum
    assertThat(Sampling.key("seed", 42))
        .isEqualTo(dev.bulwark.common.Sha256.hex("seed\n42".getBytes(StandardCharsets.UTF_8)));
    assertThat(Sampling.key("", 1)).hasSize(64).matches("[0-9a-f]{64}");
  }

  @Test
  void theListingOrderOfThePopulationDoesNotMatter() {
    long[] reversed = new long[IDS.length];
    for (int i = 0; i < IDS.length; i++) {
      reversed[i] = IDS[IDS.length - 1 - i];
    }
    assertThat(ids(Sampling.draw("s", reversed, 30))).isEqualTo(ids(Sampling.draw("s", IDS, 30)));
    assertThat(Sampling.populationDigest(reversed)).isEqualTo(Sampling.populationDigest(IDS));
  }

  @Test
  void aSampleLargerThanThePopulationIsThePopulationAndNoneIsNone() {
    assertThat(Sampling.draw("s", new long[] {3, 1, 2}, 10)).hasSize(3);
    assertThat(Sampling.draw("s", IDS, 0)).isEmpty();
    assertThat(Sampling.draw("s", new long[0], 5)).isEmpty();
  }

  @Property(tries = 200)
  void aSampleOfNIsTheFirstNOfALargerOne(
      @ForAll @StringLength(max = 40) String seed, @ForAll @IntRange(min = 1, max = 60) int n) {
    List<Long> small = ids(Sampling.draw(seed, IDS, n));
    List<Long> large = ids(Sampling.draw(seed, IDS, n + 7));
    assertThat(large.subList(0, n)).isEqualTo(small);
  }

  /**
   * The independent oracle: the procedure as the report documents it, run by Python's hashlib (the
   * report's own words, not Bulwark's code). Skips with a notice where python3 is missing.
   */
  @Test
  void pythonDrawsTheSameSampleFromTheDocumentedProcedure() throws Exception {
    Path py = Path.of("/usr/bin/python3");
    assumeTrue(Files.isExecutable(py), "python3 is not installed: the oracle test is skipped");
    String seed = "Auditor's seed, 2026 \u00e9";
    String script =
        "import hashlib,sys\n"
            + "seed=sys.stdin.readline().rstrip('\\n')\n"
            + "ids=[int(x) for x in sys.stdin.readline().split()]\n"
            + "n=25\n"
            + "print(' '.join(str(i) for i in sorted(ids, key=lambda i:"
            + " hashlib.sha256(f\"{seed}\\n{i}\".encode()).hexdigest())[:n]))\n"
            + "print(hashlib.sha256(''.join(f'{i}\\n' for i in sorted(ids)).encode())"
            + ".hexdigest())\n";
    Process p = new ProcessBuilder(py.toString(), "-c", script).start();
    StringBuilder in = new StringBuilder(seed).append('\n');
    for (long id : IDS) {
      in.append(id).append(' ');
    }
    in.append('\n');
    p.getOutputStream().write(in.toString().getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String[] out =
        new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split("\n");
    List<Long> expected = new ArrayList<>();
    for (String s : out[0].trim().split(" ")) {
      expected.add(Long.parseLong(s));
    }
    assertThat(ids(Sampling.draw(seed, IDS, 25))).isEqualTo(expected);
    assertThat(Sampling.populationDigest(IDS)).isEqualTo("sha256:" + out[1].trim());
  }
}
