package dev.bulwark.server.portfolio;

import dev.bulwark.vuln.version.Ecosystem;
import dev.bulwark.vuln.version.InvalidVersionException;
import dev.bulwark.vuln.version.VersionScheme;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A vers range ({@code vers:deb/>=1.1.1n-0+deb11u4|<3.0.11-1~deb12u2}) ordered by the ecosystem's
 * own {@link VersionScheme}, the one the scanner matches with.
 *
 * <p>Written here rather than taken from versatile's {@code Vers}: {@code Vers} parses, sorts and
 * checks the constraints with versatile's own schemes, and its npm scheme (com.vdurmont semver4j)
 * compares major versions above 127 by identity, so that {@code vers:npm/>=300.0.0|<300.0.11} held
 * {@code 300.0.11}; it also has no scheme for some of the ecosystems Bulwark orders. The vers
 * grammar is small (a scheme, then constraints split on {@code |}, each an operator and a
 * percent-encoded version), and the containment test is the specification's ("checking if a version
 * is contained within a range"), with versions compared by Bulwark's schemes.
 */
final class PortfolioRange {
  /** A vers comparator. */
  enum Op {
    EQ("="),
    NE("!="),
    LT("<"),
    LE("<="),
    GT(">"),
    GE(">=");

    final String text;

    Op(String text) {
      this.text = text;
    }

    boolean lower() {
      return this == GT || this == GE;
    }

    boolean upper() {
      return this == LT || this == LE;
    }
  }

  /** One constraint: its operator, the version as written and as the scheme parsed it. */
  record Constraint(Op op, String version, Comparable<?> parsed) {
    Constraint {
      Objects.requireNonNull(op, "op");
      Objects.requireNonNull(version, "version");
      Objects.requireNonNull(parsed, "parsed");
    }
  }

  /**
   * The vers scheme names and the version scheme each stands for, by the scheme's name (so that a
   * scheme this build does not have, such as RPM before the OS ecosystems, is simply not accepted).
   * The vers specification names them after purl types; {@code alpine} is its name for apk.
   */
  private static final Map<String, String> SCHEMES =
      Map.ofEntries(
          Map.entry("npm", "SEMVER"),
          // Cargo's SemVer (no "v" prefix), the scheme crates.io versions are ordered by.
          Map.entry("cargo", "CARGO"),
          Map.entry("semver", "SEMVER"),
          Map.entry("golang", "GO"),
          Map.entry("maven", "MAVEN"),
          Map.entry("pypi", "PYPI"),
          Map.entry("gem", "RUBYGEMS"),
          Map.entry("nuget", "NUGET"),
          Map.entry("composer", "PACKAGIST"),
          Map.entry("deb", "DEBIAN"),
          Map.entry("rpm", "RPM"),
          Map.entry("apk", "APK"),
          Map.entry("alpine", "APK"));

  /** Longest vers text accepted: a query parameter, not a document. */
  static final int MAX_LENGTH = 4096;

  private final String text;
  private final VersionScheme scheme;
  private final boolean any;
  private final List<Constraint> constraints;

  private PortfolioRange(
      String text, VersionScheme scheme, boolean any, List<Constraint> constraints) {
    this.text = text;
    this.scheme = scheme;
    this.any = any;
    this.constraints = List.copyOf(constraints);
  }

  /**
   * Reads {@code text} as a range over versions of {@code ecosystem}.
   *
   * @throws IllegalArgumentException with a message for the user when the text is not a vers range,
   *     names a scheme that orders versions differently than the ecosystem, has a version the
   *     scheme cannot read, or breaks the specification's rules (each version once, ranges that
   *     alternate between lower and upper bounds)
   */
  static PortfolioRange parse(String text, Ecosystem ecosystem) {
    if (text.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(
          "is " + text.length() + " characters long; at most " + MAX_LENGTH + " are accepted");
    }
    String s = text.replaceAll("\\s", "");
    if (!s.regionMatches(true, 0, "vers:", 0, 5)) {
      throw new IllegalArgumentException("does not start with 'vers:'");
    }
    int slash = s.indexOf('/', 5);
    if (slash < 0) {
      throw new IllegalArgumentException("has no '/' after its scheme");
    }
    String name = s.substring(5, slash).toLowerCase(Locale.ROOT);
    String schemeName = SCHEMES.get(name);
    if (schemeName == null) {
      throw new IllegalArgumentException(
          "names the scheme '" + shown(name) + "', which is unknown");
    }
    VersionScheme scheme = ecosystem.scheme();
    if (!schemeName.equals(scheme.name())) {
      throw new IllegalArgumentException(
          "names the scheme '"
              + name
              + "', but "
              + ecosystem.osvName()
              + " versions are ordered by another scheme (use vers:"
              + ecosystem.purlType()
              + "/...)");
    }
    String body = s.substring(slash + 1);
    while (body.startsWith("/")) {
      body = body.substring(1);
    }
    if (body.isEmpty()) {
      throw new IllegalArgumentException("has no constraints");
    }
    if (body.equals("*")) {
      return new PortfolioRange(text, scheme, true, List.of());
    }
    List<Constraint> out = new ArrayList<>();
    for (String part : body.split("\\|", -1)) {
      out.add(constraint(part, scheme));
    }
    sortAndCheck(out, scheme);
    return new PortfolioRange(text, scheme, false, out);
  }

  private static Constraint constraint(String part, VersionScheme scheme) {
    if (part.isEmpty()) {
      throw new IllegalArgumentException("has an empty constraint");
    }
    if (part.equals("*")) {
      throw new IllegalArgumentException("uses '*' with other constraints; '*' stands alone");
    }
    Op op = Op.EQ;
    for (Op o : List.of(Op.NE, Op.LE, Op.GE, Op.LT, Op.GT, Op.EQ)) {
      if (part.startsWith(o.text)) {
        op = o;
        part = part.substring(o.text.length());
        break;
      }
    }
    String version;
    try {
      version = URLDecoder.decode(part.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "has a badly percent-encoded version '" + shown(part) + "'");
    }
    if (version.isEmpty()) {
      throw new IllegalArgumentException("has a constraint '" + op.text + "' without a version");
    }
    try {
      return new Constraint(op, version, scheme.parse(version));
    } catch (InvalidVersionException e) {
      throw new IllegalArgumentException("has a version the scheme cannot read: " + e.getMessage());
    }
  }

  /** Sorts by version and applies the specification's validity rules. */
  private static void sortAndCheck(List<Constraint> cs, VersionScheme scheme) {
    cs.sort((a, b) -> compare(a.parsed(), b.parsed()));
    for (int i = 1; i < cs.size(); i++) {
      if (compare(cs.get(i - 1).parsed(), cs.get(i).parsed()) == 0) {
        throw new IllegalArgumentException(
            "names the version '"
                + shown(cs.get(i).version())
                + "' twice (as '"
                + shown(cs.get(i - 1).version())
                + "' too); each version may appear once");
      }
    }
    Constraint previous = null;
    for (Constraint c : cs) {
      if (c.op() == Op.EQ || c.op() == Op.NE) {
        continue;
      }
      if (previous != null && previous.op().lower() == c.op().lower()) {
        throw new IllegalArgumentException(
            "has '"
                + previous.op().text
                + shown(previous.version())
                + "' followed by '"
                + c.op().text
                + shown(c.version())
                + "'; lower and upper bounds must alternate");
      }
      previous = c;
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static int compare(Comparable a, Comparable b) {
    return Integer.signum(a.compareTo(b));
  }

  /**
   * Whether {@code version} is in the range.
   *
   * @throws InvalidVersionException when the scheme cannot read the version
   */
  boolean contains(String version) throws InvalidVersionException {
    Comparable<?> v = scheme.parse(version);
    if (any) {
      return true;
    }
    List<Constraint> bounds = new ArrayList<>();
    for (Constraint c : constraints) {
      int cmp = compare(v, c.parsed());
      if (c.op() == Op.EQ && cmp == 0) {
        return true;
      }
      if (c.op() == Op.NE && cmp == 0) {
        return false;
      }
      if (c.op() != Op.EQ && c.op() != Op.NE) {
        bounds.add(c);
      }
    }
    if (bounds.isEmpty()) {
      // Only '=' and '!=': in the range when some '!=' excludes another version (vers:npm/!=1.0.0
      // holds everything but 1.0.0), out of it when there were only '='.
      return constraints.stream().anyMatch(c -> c.op() == Op.NE)
          && constraints.stream().noneMatch(c -> c.op() == Op.EQ);
    }
    Constraint first = bounds.get(0);
    if (first.op().upper() && satisfies(v, first)) {
      return true;
    }
    Constraint last = bounds.get(bounds.size() - 1);
    if (last.op().lower() && satisfies(v, last)) {
      return true;
    }
    for (int i = 0; i + 1 < bounds.size(); i++) {
      Constraint lo = bounds.get(i);
      Constraint hi = bounds.get(i + 1);
      if (lo.op().lower() && hi.op().upper() && satisfies(v, lo) && satisfies(v, hi)) {
        return true;
      }
    }
    return false;
  }

  private static boolean satisfies(Comparable<?> v, Constraint c) {
    int cmp = compare(v, c.parsed());
    return switch (c.op()) {
      case LT -> cmp < 0;
      case LE -> cmp <= 0;
      case GT -> cmp > 0;
      case GE -> cmp >= 0;
      case EQ -> cmp == 0;
      case NE -> cmp != 0;
    };
  }

  @Override
  public String toString() {
    return text;
  }

  private static String shown(String s) {
    String t = s.length() > 80 ? s.substring(0, 80) + "..." : s;
    StringBuilder b = new StringBuilder();
    t.codePoints()
        .forEach(
            cp -> {
              if (Character.isISOControl(cp)) {
                b.append("\\u%04x".formatted(cp));
              } else {
                b.appendCodePoint(cp);
              }
            });
    return b.toString();
  }
}
