package dev.bulwark.vuln.version;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PEP 440 versions, written here after the reference implementation (pypa/packaging's {@code
 * Version} and its comparison key) because the library we use elsewhere, versatile, orders local
 * versions wrongly ({@code 1.2+abc123def} after {@code 1.2+1234.abc}; PEP 440 says numeric local
 * segments sort after alphanumeric ones). Covers epochs, pre-, post- and dev-releases, implicit
 * post releases ({@code 1.0-1}), alternative spellings and local versions.
 */
public final class Pep440Version implements Comparable<Pep440Version> {
  private static final Pattern PATTERN =
      Pattern.compile(
          "^\\s*v?(?:(?:(?<epoch>[0-9]+)!)?(?<release>[0-9]+(?:\\.[0-9]+)*)"
              + "(?<pre>[-_.]?(?<prel>alpha|a|beta|b|preview|pre|c|rc)[-_.]?(?<pren>[0-9]+)?)?"
              + "(?<post>(?:-(?<postn1>[0-9]+))|(?:[-_.]?(?<postl>post|rev|r)[-_.]?(?<postn2>[0-9]+)?))?"
              + "(?<dev>[-_.]?(?<devl>dev)[-_.]?(?<devn>[0-9]+)?)?)"
              + "(?:\\+(?<local>[a-z0-9]+(?:[-_.][a-z0-9]+)*))?\\s*$",
          Pattern.CASE_INSENSITIVE);

  private final BigInteger epoch;
  private final List<BigInteger> release;
  private final int preLetter; // 0 a, 1 b, 2 rc; -1 none
  private final BigInteger preNumber;
  private final BigInteger post; // null: none
  private final BigInteger dev; // null: none
  private final List<Object> local; // null: none; BigInteger or String segments
  private final String text;

  private Pep440Version(
      String text,
      BigInteger epoch,
      List<BigInteger> release,
      int preLetter,
      BigInteger preNumber,
      BigInteger post,
      BigInteger dev,
      List<Object> local) {
    this.text = text;
    this.epoch = epoch;
    this.release = release;
    this.preLetter = preLetter;
    this.preNumber = preNumber;
    this.post = post;
    this.dev = dev;
    this.local = local;
  }

  public static Pep440Version parse(String version) throws InvalidVersionException {
    Matcher m = PATTERN.matcher(version);
    if (!m.matches()) {
      throw new InvalidVersionException("'" + version + "' is not a PEP 440 version");
    }
    BigInteger epoch =
        m.group("epoch") == null ? BigInteger.ZERO : new BigInteger(m.group("epoch"));
    List<BigInteger> release = new ArrayList<>();
    for (String p : m.group("release").split("\\.")) {
      release.add(new BigInteger(p));
    }
    while (release.size() > 1 && release.get(release.size() - 1).signum() == 0) {
      release.remove(release.size() - 1);
    }
    int preLetter = -1;
    BigInteger preNumber = BigInteger.ZERO;
    if (m.group("prel") != null) {
      preLetter =
          switch (m.group("prel").toLowerCase(Locale.ROOT)) {
            case "a", "alpha" -> 0;
            case "b", "beta" -> 1;
            default -> 2; // c, rc, pre, preview
          };
      preNumber = m.group("pren") == null ? BigInteger.ZERO : new BigInteger(m.group("pren"));
    }
    BigInteger post = null;
    if (m.group("post") != null) {
      String n = m.group("postn1") != null ? m.group("postn1") : m.group("postn2");
      post = n == null ? BigInteger.ZERO : new BigInteger(n);
    }
    BigInteger dev = null;
    if (m.group("dev") != null) {
      dev = m.group("devn") == null ? BigInteger.ZERO : new BigInteger(m.group("devn"));
    }
    List<Object> local = null;
    if (m.group("local") != null) {
      local = new ArrayList<>();
      for (String seg : m.group("local").toLowerCase(Locale.ROOT).split("[-_.]")) {
        local.add(seg.chars().allMatch(Character::isDigit) ? new BigInteger(seg) : seg);
      }
    }
    return new Pep440Version(
        version.strip(),
        epoch,
        Collections.unmodifiableList(release),
        preLetter,
        preNumber,
        post,
        dev,
        local);
  }

  @Override
  public int compareTo(Pep440Version o) {
    int c = epoch.compareTo(o.epoch);
    if (c != 0) {
      return c;
    }
    int n = Math.max(release.size(), o.release.size());
    for (int i = 0; i < n; i++) {
      BigInteger a = i < release.size() ? release.get(i) : BigInteger.ZERO;
      BigInteger b = i < o.release.size() ? o.release.get(i) : BigInteger.ZERO;
      c = a.compareTo(b);
      if (c != 0) {
        return c;
      }
    }
    c = Integer.compare(preRank(), o.preRank());
    if (c != 0) {
      return c;
    }
    if (preLetter >= 0 && o.preLetter >= 0) {
      c = preNumber.compareTo(o.preNumber);
      if (c != 0) {
        return c;
      }
    }
    // No post release sorts before any post release.
    c = compareNullsFirst(post, o.post);
    if (c != 0) {
      return c;
    }
    // No dev release sorts after any dev release.
    c = compareNullsLast(dev, o.dev);
    if (c != 0) {
      return c;
    }
    return compareLocal(local, o.local);
  }

  /**
   * A dev release of a final version (1.0.dev0) sorts before its pre-releases; a version with no
   * pre-release sorts after all of them.
   */
  private int preRank() {
    if (preLetter >= 0) {
      return preLetter;
    }
    if (post == null && dev != null) {
      return -1;
    }
    return 3;
  }

  private static int compareNullsFirst(BigInteger a, BigInteger b) {
    if (a == null || b == null) {
      return a == null ? (b == null ? 0 : -1) : 1;
    }
    return a.compareTo(b);
  }

  private static int compareNullsLast(BigInteger a, BigInteger b) {
    if (a == null || b == null) {
      return a == null ? (b == null ? 0 : 1) : -1;
    }
    return a.compareTo(b);
  }

  private static int compareLocal(List<Object> a, List<Object> b) {
    if (a == null || b == null) {
      return a == null ? (b == null ? 0 : -1) : 1;
    }
    int n = Math.min(a.size(), b.size());
    for (int i = 0; i < n; i++) {
      Object x = a.get(i);
      Object y = b.get(i);
      int c;
      if (x instanceof BigInteger xi && y instanceof BigInteger yi) {
        c = xi.compareTo(yi);
      } else if (x instanceof BigInteger) {
        c = 1;
      } else if (y instanceof BigInteger) {
        c = -1;
      } else {
        c = ((String) x).compareTo((String) y);
      }
      if (c != 0) {
        return Integer.signum(c);
      }
    }
    return Integer.compare(a.size(), b.size());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Pep440Version p && compareTo(p) == 0;
  }

  @Override
  public int hashCode() {
    return release.hashCode() * 31 + epoch.hashCode();
  }

  @Override
  public String toString() {
    return text;
  }
}
