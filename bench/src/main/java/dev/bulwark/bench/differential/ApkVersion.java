package dev.bulwark.bench.differential;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Alpine's apk version ordering, written once here as the harness's independent oracle for Alpine,
 * Wolfi and Chainguard: Debian bookworm packages no apk-tools, and no npm package implements it.
 * Written from apk-tools' documented rules, not from its code: the grammar its {@code version.c}
 * states ({@code digit{.digit}...{letter}{_suf{#}}...{~hash}{-r#}}), the suffix order ("pre"
 * suffixes {@code alpha beta pre rc} below no suffix, "post" suffixes {@code cvs svn git hg p}
 * above; Timo Teräs on alpine-devel, 2012-04-06), and its test vectors ({@code test/version.data}).
 *
 * <p>A version is a sequence of tokens of kinds in this order: first number, later number, letter,
 * suffix, suffix number, commit hash, revision number, end. Two versions compare token by token
 * while the kinds match (numbers numerically, except that a later number with a leading zero is a
 * decimal fraction: 1.01 &lt; 1.1; suffixes by the order above; the commit hash takes no part).
 * Where the kinds first differ, a pre-release suffix sorts below anything, and otherwise the side
 * whose token kind comes later in the order above sorts below: so {@code 1.0 < 1.0.1}, {@code 1.0 <
 * 1.0a}, {@code 1.0 < 1.0-r0} (an absent revision is not r0) and {@code 1.0_p < 1.0_p0}.
 */
final class ApkVersion {
  private static final Pattern SHAPE =
      Pattern.compile(
          "^(\\d+(?:\\.\\d+)*)([a-z]?)((?:_(?:alpha|beta|pre|rc|cvs|svn|git|hg|p)\\d*)*)"
              + "(~[0-9a-f]+)?(?:-r(\\d+))?$");
  private static final Pattern SUFFIX =
      Pattern.compile("_(alpha|beta|pre|rc|cvs|svn|git|hg|p)(\\d*)");
  private static final List<String> SUFFIXES =
      List.of("alpha", "beta", "pre", "rc", "", "cvs", "svn", "git", "hg", "p");
  private static final int NONE = SUFFIXES.indexOf("");

  private enum Kind {
    FIRST_NUMBER,
    NUMBER,
    LETTER,
    SUFFIX,
    SUFFIX_NUMBER,
    COMMIT_HASH,
    REVISION,
    END
  }

  private record Token(Kind kind, String text, int suffix) {}

  private final List<Token> tokens;

  private ApkVersion(List<Token> tokens) {
    this.tokens = tokens;
  }

  static ApkVersion parse(String s) {
    if (s == null) {
      return null;
    }
    Matcher m = SHAPE.matcher(s);
    if (!m.matches()) {
      return null;
    }
    List<Token> t = new ArrayList<>();
    String[] numbers = m.group(1).split("\\.");
    for (int i = 0; i < numbers.length; i++) {
      t.add(new Token(i == 0 ? Kind.FIRST_NUMBER : Kind.NUMBER, numbers[i], 0));
    }
    if (!m.group(2).isEmpty()) {
      t.add(new Token(Kind.LETTER, m.group(2), 0));
    }
    Matcher sm = SUFFIX.matcher(m.group(3));
    while (sm.find()) {
      t.add(new Token(Kind.SUFFIX, sm.group(1), SUFFIXES.indexOf(sm.group(1))));
      if (!sm.group(2).isEmpty()) {
        t.add(new Token(Kind.SUFFIX_NUMBER, sm.group(2), 0));
      }
    }
    if (m.group(4) != null) {
      t.add(new Token(Kind.COMMIT_HASH, m.group(4), 0));
    }
    if (m.group(5) != null) {
      t.add(new Token(Kind.REVISION, m.group(5), 0));
    }
    t.add(new Token(Kind.END, "", 0));
    return new ApkVersion(t);
  }

  int compareTo(ApkVersion o) {
    int i = 0;
    while (true) {
      Token a = tokens.get(i);
      Token b = o.tokens.get(i);
      if (a.kind() != b.kind()) {
        if (a.kind() == Kind.SUFFIX && a.suffix() < NONE) {
          return -1;
        }
        if (b.kind() == Kind.SUFFIX && b.suffix() < NONE) {
          return 1;
        }
        return a.kind().compareTo(b.kind()) > 0 ? -1 : 1;
      }
      if (a.kind() == Kind.END) {
        return 0;
      }
      int c =
          switch (a.kind()) {
            case NUMBER ->
                a.text().startsWith("0") || b.text().startsWith("0")
                    ? fraction(a.text(), b.text())
                    : new BigInteger(a.text()).compareTo(new BigInteger(b.text()));
            case FIRST_NUMBER, SUFFIX_NUMBER, REVISION ->
                new BigInteger(a.text()).compareTo(new BigInteger(b.text()));
            case LETTER -> a.text().compareTo(b.text());
            case SUFFIX -> Integer.compare(a.suffix(), b.suffix());
            case COMMIT_HASH, END -> 0;
          };
      if (c != 0) {
        return Integer.signum(c);
      }
      i++;
    }
  }

  /** A later dotted part with a leading zero: digit strings compared as a decimal fraction. */
  private static int fraction(String a, String b) {
    return a.replaceAll("0+$", "").compareTo(b.replaceAll("0+$", ""));
  }
}
