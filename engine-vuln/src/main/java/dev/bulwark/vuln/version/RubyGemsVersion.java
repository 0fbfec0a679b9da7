package dev.bulwark.vuln.version;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * RubyGems' {@code Gem::Version} ordering, written here because no maintained Java library has it.
 * Follows rubygems/lib/rubygems/version.rb: a version is dot-separated segments; a letter starts a
 * new segment ("1.0a" is "1.0.a"); "-" means ".pre."; trailing zero segments do not count (before
 * the first letter segment); numbers compare numerically, strings lexically, and any string segment
 * sorts before any number (so "1.0.a" is a prerelease of "1.0").
 */
public final class RubyGemsVersion implements Comparable<RubyGemsVersion> {
  private static final Pattern VALID =
      Pattern.compile("[0-9]+(\\.[0-9a-zA-Z]+)*(-[0-9A-Za-z-]+(\\.[0-9A-Za-z-]+)*)?");
  private static final Pattern SEGMENT = Pattern.compile("[0-9]+|[a-z]+", Pattern.CASE_INSENSITIVE);

  private final List<Object> segments;
  private final String text;

  private RubyGemsVersion(String text, List<Object> segments) {
    this.text = text;
    this.segments = segments;
  }

  public static RubyGemsVersion parse(String version) throws InvalidVersionException {
    String v = version.strip();
    if (v.isEmpty()) {
      v = "0";
    }
    if (!VALID.matcher(v).matches()) {
      throw new InvalidVersionException("'" + version + "' is not a RubyGems version");
    }
    String canonicalInput = v.replace("-", ".pre.");
    List<Object> segs = new ArrayList<>();
    Matcher m = SEGMENT.matcher(canonicalInput);
    while (m.find()) {
      String s = m.group();
      segs.add(Character.isDigit(s.charAt(0)) ? (Object) new java.math.BigInteger(s) : s);
    }
    // Canonical segments: drop trailing zeros before the first string segment and at the end.
    int firstString = -1;
    for (int i = 0; i < segs.size(); i++) {
      if (segs.get(i) instanceof String) {
        firstString = i;
        break;
      }
    }
    List<Object> numeric = new ArrayList<>(firstString < 0 ? segs : segs.subList(0, firstString));
    List<Object> rest =
        new ArrayList<>(firstString < 0 ? List.of() : segs.subList(firstString, segs.size()));
    trimZeros(numeric);
    trimZeros(rest);
    List<Object> all = new ArrayList<>(numeric);
    all.addAll(rest);
    return new RubyGemsVersion(v, List.copyOf(all));
  }

  private static void trimZeros(List<Object> l) {
    while (!l.isEmpty()
        && l.get(l.size() - 1) instanceof java.math.BigInteger b
        && b.signum() == 0) {
      l.remove(l.size() - 1);
    }
  }

  @Override
  public int compareTo(RubyGemsVersion o) {
    int n = Math.max(segments.size(), o.segments.size());
    for (int i = 0; i < n; i++) {
      Object a = i < segments.size() ? segments.get(i) : java.math.BigInteger.ZERO;
      Object b = i < o.segments.size() ? o.segments.get(i) : java.math.BigInteger.ZERO;
      if (a.equals(b)) {
        continue;
      }
      if (a instanceof String && b instanceof java.math.BigInteger) {
        return -1;
      }
      if (a instanceof java.math.BigInteger && b instanceof String) {
        return 1;
      }
      if (a instanceof java.math.BigInteger x && b instanceof java.math.BigInteger y) {
        return x.compareTo(y);
      }
      return Integer.signum(((String) a).compareTo((String) b));
    }
    return 0;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RubyGemsVersion r && compareTo(r) == 0;
  }

  @Override
  public int hashCode() {
    return segments.hashCode();
  }

  @Override
  public String toString() {
    return text;
  }
}
