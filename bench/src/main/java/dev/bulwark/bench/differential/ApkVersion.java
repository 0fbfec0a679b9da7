package dev.bulwark.bench.differential;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Alpine's apk version ordering, written once here as the harness's independent oracle for Alpine,
 * Wolfi and Chainguard: Debian bookworm packages no apk-tools, and no npm package implements it.
 * Written from apk-tools' documented rules (the APKBUILD reference's {@code pkgver}/{@code pkgrel},
 * and Timo Teräs on alpine-devel, 2012-04-06: "pre" suffixes {@code alpha beta pre rc} sort below
 * the version without a suffix, "post" suffixes {@code cvs svn git hg p} above it), not from its
 * code:
 *
 * <pre>
 *   version  = number ('.' number)* [letter] ('_' suffix [number])* ['~' hash] ['-r' number]
 * </pre>
 *
 * Numbers compare numerically, except that a later dotted part with a leading zero compares as a
 * decimal fraction (Gentoo's heritage: 1.01 &lt; 1.1); a longer number list wins when the shorter
 * is its prefix; a letter sorts above no letter; suffixes compare by kind, then number; the
 * revision (-rN, absent = r0) last. The commit hash after {@code ~} takes no part in ordering.
 */
final class ApkVersion {
  private static final Pattern SHAPE =
      Pattern.compile(
          "^(\\d+(?:\\.\\d+)*)([a-z]?)((?:_(?:alpha|beta|pre|rc|cvs|svn|git|hg|p)\\d*)*)"
              + "(?:~[0-9a-f]+)?(?:-r(\\d+))?$");
  private static final Pattern SUFFIX =
      Pattern.compile("_(alpha|beta|pre|rc|cvs|svn|git|hg|p)(\\d*)");
  private static final List<String> SUFFIXES =
      List.of("alpha", "beta", "pre", "rc", "", "cvs", "svn", "git", "hg", "p");

  private final String[] numbers;
  private final String letter;
  private final List<int[]> suffixes; // {rank, -} with numbers kept apart
  private final List<BigInteger> suffixNumbers;
  private final BigInteger revision;

  private ApkVersion(
      String[] numbers,
      String letter,
      List<int[]> suffixes,
      List<BigInteger> suffixNumbers,
      BigInteger revision) {
    this.numbers = numbers;
    this.letter = letter;
    this.suffixes = suffixes;
    this.suffixNumbers = suffixNumbers;
    this.revision = revision;
  }

  static ApkVersion parse(String s) {
    if (s == null) {
      return null;
    }
    Matcher m = SHAPE.matcher(s);
    if (!m.matches()) {
      return null;
    }
    List<int[]> suffixes = new ArrayList<>();
    List<BigInteger> suffixNumbers = new ArrayList<>();
    Matcher sm = SUFFIX.matcher(m.group(3));
    while (sm.find()) {
      suffixes.add(new int[] {SUFFIXES.indexOf(sm.group(1))});
      suffixNumbers.add(sm.group(2).isEmpty() ? BigInteger.ZERO : new BigInteger(sm.group(2)));
    }
    return new ApkVersion(
        m.group(1).split("\\."),
        m.group(2),
        suffixes,
        suffixNumbers,
        m.group(4) == null ? BigInteger.ZERO : new BigInteger(m.group(4)));
  }

  int compareTo(ApkVersion o) {
    int n = Math.min(numbers.length, o.numbers.length);
    for (int i = 0; i < n; i++) {
      int c = part(i, numbers[i], o.numbers[i]);
      if (c != 0) {
        return c;
      }
    }
    if (numbers.length != o.numbers.length) {
      return numbers.length > o.numbers.length ? 1 : -1;
    }
    int c = letter.compareTo(o.letter);
    if (c != 0) {
      return Integer.signum(c);
    }
    // Suffix by suffix; where one list ends, the missing suffix is the release (rank of "").
    int release = SUFFIXES.indexOf("");
    for (int i = 0; i < Math.max(suffixes.size(), o.suffixes.size()); i++) {
      int a = i < suffixes.size() ? suffixes.get(i)[0] : release;
      int b = i < o.suffixes.size() ? o.suffixes.get(i)[0] : release;
      if (a != b) {
        return a < b ? -1 : 1;
      }
      if (i < suffixes.size() && i < o.suffixes.size()) {
        c = suffixNumbers.get(i).compareTo(o.suffixNumbers.get(i));
        if (c != 0) {
          return Integer.signum(c);
        }
      }
    }
    return Integer.signum(revision.compareTo(o.revision));
  }

  private static int part(int index, String a, String b) {
    if (index > 0 && (a.startsWith("0") || b.startsWith("0"))) {
      // A decimal fraction: compare digit strings with trailing zeros dropped.
      String x = a.replaceAll("0+$", "");
      String y = b.replaceAll("0+$", "");
      return Integer.signum(x.compareTo(y));
    }
    return Integer.signum(new BigInteger(a).compareTo(new BigInteger(b)));
  }
}
