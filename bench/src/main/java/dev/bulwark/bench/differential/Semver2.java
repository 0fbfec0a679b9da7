package dev.bulwark.bench.differential;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * SemVer 2.0.0 precedence, written once here from the specification (https://semver.org/, items 2,
 * 9, 10 and 11) as the harness's independent oracle for Go and crates.io: Bulwark orders those with
 * libraries (org.semver4j, versatile), this class uses none. Numbers are arbitrary precision, as
 * the specification sets no limit.
 *
 * <p>Go (https://go.dev/ref/mod#versions): a module version is {@code v} followed by a SemVer 2.0
 * version; {@code +incompatible} is build metadata and takes no part in precedence; pseudo-versions
 * ({@code vX.Y.Z-yyyymmddhhmmss-abcdefabcdef}, {@code vX.Y.Z-pre.0.yyyymmddhhmmss-abcdefabcdef},
 * {@code vX.Y.(Z+1)-0.yyyymmddhhmmss-abcdefabcdef}) are pre-release versions and order by the same
 * rule 11, which is why they need no rule of their own. OSV's Go bounds are written without the
 * {@code v} (OSV schema, SEMVER type), so the prefix is optional in {@link Dialect#GO}; Go's semver
 * package (golang.org/x/mod/semver, its documentation) also reads {@code vMAJOR} and {@code
 * vMAJOR.MINOR} as shorthands for {@code vMAJOR.0.0} and {@code vMAJOR.MINOR.0}.
 *
 * <p>crates.io: Cargo reads versions as SemVer 2.0 (no {@code v} prefix); build metadata is ignored
 * for precedence.
 */
final class Semver2 {
  enum Dialect {
    /** SemVer 2.0 as written: no prefix. */
    STRICT,
    /** Go module versions: an optional {@code v} prefix (required by Go, absent in OSV bounds). */
    GO
  }

  private final BigInteger[] core;
  private final List<Object> pre; // BigInteger or String identifiers

  private Semver2(BigInteger[] core, List<Object> pre) {
    this.core = core;
    this.pre = pre;
  }

  /** The parsed version, or null when {@code s} is not a SemVer 2.0 version of this dialect. */
  static Semver2 parse(String s, Dialect dialect) {
    if (s == null) {
      return null;
    }
    String v = s;
    if (dialect == Dialect.GO && v.startsWith("v")) {
      v = v.substring(1);
    }
    int plus = v.indexOf('+');
    String build = null;
    if (plus >= 0) {
      build = v.substring(plus + 1);
      v = v.substring(0, plus);
      // Item 10: build metadata is one or more dot-separated non-empty [0-9A-Za-z-] identifiers.
      if (!identifiers(build, false)) {
        return null;
      }
    }
    int dash = v.indexOf('-');
    String preText = null;
    if (dash >= 0) {
      preText = v.substring(dash + 1);
      v = v.substring(0, dash);
      // Item 9: identifiers non-empty, [0-9A-Za-z-], numeric ones without leading zeros.
      if (!identifiers(preText, true)) {
        return null;
      }
    }
    String[] parts = v.split("\\.", -1);
    if (dialect == Dialect.GO && preText == null && build == null && parts.length < 3) {
      // golang.org/x/mod/semver: vMAJOR and vMAJOR.MINOR, without pre-release or build, are
      // shorthands for vMAJOR.0.0 and vMAJOR.MINOR.0.
      String[] full = {"0", "0", "0"};
      System.arraycopy(parts, 0, full, 0, parts.length);
      parts = full;
    }
    if (parts.length != 3) {
      return null;
    }
    BigInteger[] core = new BigInteger[3];
    for (int i = 0; i < 3; i++) {
      // Item 2: non-negative integers without leading zeros.
      if (!numeric(parts[i]) || (parts[i].length() > 1 && parts[i].charAt(0) == '0')) {
        return null;
      }
      core[i] = new BigInteger(parts[i]);
    }
    List<Object> pre = new ArrayList<>();
    if (preText != null) {
      for (String id : preText.split("\\.", -1)) {
        pre.add(numeric(id) ? new BigInteger(id) : id);
      }
    }
    return new Semver2(core, pre);
  }

  private static boolean identifiers(String text, boolean noLeadingZeros) {
    if (text.isEmpty()) {
      return false;
    }
    for (String id : text.split("\\.", -1)) {
      if (id.isEmpty()) {
        return false;
      }
      for (int i = 0; i < id.length(); i++) {
        char c = id.charAt(i);
        boolean ok =
            (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
        if (!ok) {
          return false;
        }
      }
      if (noLeadingZeros && numeric(id) && id.length() > 1 && id.charAt(0) == '0') {
        return false;
      }
    }
    return true;
  }

  private static boolean numeric(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  /** Item 11: precedence; build metadata was dropped while parsing. */
  int compareTo(Semver2 o) {
    for (int i = 0; i < 3; i++) {
      int c = core[i].compareTo(o.core[i]);
      if (c != 0) {
        return Integer.signum(c);
      }
    }
    // 11.3: a pre-release version has lower precedence than the normal version.
    if (pre.isEmpty() || o.pre.isEmpty()) {
      return pre.isEmpty() == o.pre.isEmpty() ? 0 : pre.isEmpty() ? 1 : -1;
    }
    // 11.4: identifier by identifier; numeric < alphanumeric; numbers numerically, others in
    // ASCII order; a larger set of fields wins when all before are equal.
    for (int i = 0; i < Math.min(pre.size(), o.pre.size()); i++) {
      Object a = pre.get(i);
      Object b = o.pre.get(i);
      int c;
      if (a instanceof BigInteger x && b instanceof BigInteger y) {
        c = x.compareTo(y);
      } else if (a instanceof BigInteger) {
        c = -1;
      } else if (b instanceof BigInteger) {
        c = 1;
      } else {
        c = ((String) a).compareTo((String) b);
      }
      if (c != 0) {
        return Integer.signum(c);
      }
    }
    return Integer.compare(pre.size(), o.pre.size());
  }
}
