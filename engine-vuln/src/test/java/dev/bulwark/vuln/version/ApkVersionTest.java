package dev.bulwark.vuln.version;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * apk ordering cases, as apk-tools' own test vectors (alpinelinux/apk-tools, test/version.data)
 * state them; versatile got the first four wrong (a first number with leading zeros), fixed in
 * {@link VersionScheme#APK}'s parse.
 */
class ApkVersionTest {
  static final String[][] VECTORS = {
    // versatile read a first number with leading zeros as a fraction:
    {"1.06-r6", "<", "006"},
    {"006", ">", "1.0.0"},
    {"3.0.0-r2", "<", "021109-r3"},
    {"2.2.3-r2", "<", "013"},
    // and agreed on these:
    {"0.1.0_alpha_pre2", "<", "0.1.0_alpha"},
    {"1.0_p10-r0", ">", "1.0_p9-r0"},
    {"1.3_pre1-r1", "<", "1.3.2"},
    {"0.9.28.1", "<", "087-r1"},
    {"1.2.07.8", "<", "1.2.12.04"},
    {"2.10.1", ">", "02.08.01b"},
    {"2.5.1-r8", "<", "2.5.1a-r1"},
    {"0.20070118", "<", "0.20070207_rc1"},
    {"4.5_p1-r1", ">", "4.5_p1"},
    {"2.9.11_pre20051101-r3", ">", "2.9.11_pre20051101"},
    {"1.0.0_pre20191002222144-r0", "<", "1.0.0_pre20210530193627-r0"},
    {"1.1", ">", "1.1_alpha1"},
    {"0.10.0", "<", "0.10.1_rc1"},
    {"0", "<", "1"},
    {"0.1", ">", "0.01"},
  };

  @Test
  void apkToolsVectorsIncludingAFirstNumberWithLeadingZeros() throws Exception {
    for (String[] v : VECTORS) {
      int want = v[1].equals("<") ? -1 : v[1].equals(">") ? 1 : 0;
      assertThat(VersionScheme.APK.compare(v[0], v[2]))
          .as("%s %s %s", v[0], v[1], v[2])
          .isEqualTo(want);
    }
  }
}
