package dev.bulwark.server.catalog;

import com.ibm.icu.text.SpoofChecker;
import java.text.Normalizer;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The names a service may have, and the key that finds a lookalike of one. A name is NFC
 * normalized, then must be 1 to 63 lower-case ASCII letters and digits, in runs separated by one
 * {@code .}, {@code _} or {@code -} (Backstage's rule for entity names, lower case only): what
 * reads the same in a ledger entry, a URL and a terminal, in every font. The key is the Unicode
 * TR39 confusable skeleton, folded to lower case: two names with one key look alike ({@code m} and
 * {@code rn}, {@code l} and {@code 1}, {@code o} and {@code 0}, and for names from before this
 * rule, Latin and Cyrillic letters or case variants), and no two live services share one.
 */
public final class ServiceName {
  static final int MAX_LENGTH = 63;
  private static final Pattern NAME = Pattern.compile("[a-z0-9]+(?:[._-][a-z0-9]+)*");
  // Immutable once built; its checks and skeletons are safe to share between threads.
  private static final SpoofChecker SPOOF = new SpoofChecker.Builder().build();

  private ServiceName() {}

  /** The NFC form of {@code name}, or null for null. */
  public static String normalize(String name) {
    return name == null ? null : Normalizer.normalize(name, Normalizer.Form.NFC);
  }

  /** Why {@code name} (already normalized) cannot name a new service, or null when it can. */
  public static String problem(String name) {
    int length = name.codePointCount(0, name.length());
    if (length < 1 || length > MAX_LENGTH) {
      return "must be 1 to " + MAX_LENGTH + " characters long";
    }
    if (NAME.matcher(name).matches()) {
      return null;
    }
    for (int i = 0; i < name.length(); ) {
      int cp = name.codePointAt(i);
      if (cp >= 'A' && cp <= 'Z') {
        return "must be lower case (found '" + Character.toString(cp) + "')";
      }
      if (!(cp >= 'a' && cp <= 'z') && !(cp >= '0' && cp <= '9') && "._-".indexOf(cp) < 0) {
        return "may hold only a-z, 0-9, '.', '_' and '-' (found U+"
            + String.format(Locale.ROOT, "%04X", cp)
            + ")";
      }
      i += Character.charCount(cp);
    }
    return "must start and end with a letter or digit, with one '.', '_' or '-' between runs of them";
  }

  /**
   * The lookalike key: the skeleton, lower-cased, and the skeleton of that (a capital that folds to
   * a letter with a skeleton of its own, such as {@code M}, lands where that letter does).
   */
  public static String key(String name) {
    String skeleton = SPOOF.getSkeleton(normalize(name));
    return SPOOF.getSkeleton(skeleton.toLowerCase(Locale.ROOT));
  }
}
