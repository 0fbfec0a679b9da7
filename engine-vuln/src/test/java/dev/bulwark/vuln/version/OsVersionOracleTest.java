package dev.bulwark.vuln.version;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The cases the distributions' own rules single out, compared with the distributions' own tools
 * ({@code dpkg --compare-versions}; rpm's {@code rpm.vercmp} through {@code rpm --eval}). Where a
 * tool is missing the test is skipped with a notice; the differential harness runs them in CI.
 */
class OsVersionOracleTest {
  static final String[][] DEB = {
    {"1:1.0", "2.0"},
    {"1.0~rc1", "1.0"},
    {"1.0~~", "1.0~"},
    {"1.0-1", "1.0-1+b1"},
    {"3.0.11-1~deb12u2", "3.0.11-1"},
    {"3.0.11-1~deb12u1", "3.0.11-1~deb12u2"},
    {"1.0", "1.0-0"},
    {"1.0+", "1.0"},
    {"1.0a", "1.0+"},
    {"1.0a", "1.0"},
    {"2.35-0ubuntu3.1", "2.35-0ubuntu3"},
    {"1.2.13.dfsg-1", "1:1.2.13.dfsg-1"},
    {"8.1.0~rc4-1ubuntu2", "8.1.0-1"},
    {"10", "9"},
    {"1.0.0", "1.0"},
    {"0:1.0", "1.0"},
    {"1.0-1ubuntu0.1", "1.0-1ubuntu1"},
    {"7.4.3-4ubuntu2.29", "7.4.3-4ubuntu2.29+esm1"}
  };

  static final String[][] RPM = {
    {"1.0~rc1", "1.0"},
    {"1.0^post1", "1.0"},
    {"1.0^post1", "1.0.1"},
    {"1:1.0", "2.0"},
    {"3.0.7-27.el9", "3.0.7-28.el9"},
    {"1.0~rc1^git1", "1.0~rc1"},
    {"1.0a", "1.0"},
    {"1.0", "1.0.0"},
    {"0:1.0-1", "1.0-1"},
    {"2.el9", "10.el9"},
    {"1.0~~", "1.0~"},
    {"1.0_1", "1.0.1"},
    {"1.0-1.el9_2", "1.0-1.el9_10"},
    {"1.0~", "1.0"},
    {"1.0-1~rc", "1.0-1"},
    {"1..0", "1.0"},
    {"1:3.0.7-27.el9", "3.0.7-99.el9"},
    {"1.0^a", "1.0^git1"},
    {"1.0^20240101", "1.0^git1"}
  };

  static boolean has(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    return false;
  }

  static String run(List<String> cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return out;
  }

  @Test
  void dpkgAgrees() throws Exception {
    if (!has("dpkg")) {
      System.err.println("NOTICE: dpkg not on PATH, OsVersionOracleTest.dpkgAgrees skipped");
      Assumptions.abort("dpkg not on PATH");
    }
    StringBuilder script = new StringBuilder();
    for (String[] c : DEB) {
      script.append(
          "if dpkg --compare-versions '%s' lt '%s'; then echo -1; elif dpkg --compare-versions '%s' eq '%s'; then echo 0; else echo 1; fi\n"
              .formatted(c[0], c[1], c[0], c[1]));
    }
    String[] got = run(List.of("sh", "-c", script.toString())).strip().split("\n");
    List<String> disagree = new ArrayList<>();
    for (int i = 0; i < DEB.length; i++) {
      int ours = VersionScheme.DEBIAN.compare(DEB[i][0], DEB[i][1]);
      if (ours != Integer.parseInt(got[i].strip())) {
        disagree.add(DEB[i][0] + " vs " + DEB[i][1] + ": dpkg " + got[i] + ", Bulwark " + ours);
      }
    }
    assertThat(disagree).isEmpty();
  }

  @Test
  void rpmAgrees() throws Exception {
    if (!has("rpm")) {
      System.err.println("NOTICE: rpm not on PATH, OsVersionOracleTest.rpmAgrees skipped");
      Assumptions.abort("rpm not on PATH");
    }
    StringBuilder lua = new StringBuilder("%{lua: ");
    for (String[] c : RPM) {
      lua.append("print(rpm.vercmp('%s', '%s') .. ' ') ".formatted(c[0], c[1]));
    }
    lua.append("}");
    // rpm's Lua print writes no line breaks into the expansion: the answers are space-separated.
    String[] got = run(List.of("rpm", "--eval", lua.toString())).strip().split("\\s+");
    List<String> disagree = new ArrayList<>();
    for (int i = 0; i < RPM.length; i++) {
      int ours = VersionScheme.RPM.compare(RPM[i][0], RPM[i][1]);
      if (ours != Integer.signum(Integer.parseInt(got[i].strip()))) {
        disagree.add(RPM[i][0] + " vs " + RPM[i][1] + ": rpm " + got[i] + ", Bulwark " + ours);
      }
    }
    assertThat(disagree).isEmpty();
  }
}
