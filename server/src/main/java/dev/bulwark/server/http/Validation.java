package dev.bulwark.server.http;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Collects every problem with an input before failing, so a caller learns about all of them at
 * once, each with its field path. Used in the compact constructors of request records.
 */
public final class Validation {
  /** Letters and digits of any script plus {@code . _ -}: safe in URLs, logs and file names. */
  private static final Pattern TEAM = Pattern.compile("[\\p{L}\\p{N}._-]{1,64}");

  private final String prefix;
  private final List<ApiException.FieldError> errors = new ArrayList<>();

  public Validation() {
    this("");
  }

  public Validation(String prefix) {
    this.prefix = prefix;
  }

  public Validation error(String field, String message) {
    errors.add(new ApiException.FieldError(prefix + field, message));
    return this;
  }

  public boolean require(String field, Object value) {
    if (value == null) {
      error(field, "is required");
      return false;
    }
    return true;
  }

  /**
   * A name that is also a URL path segment: 1 to 128 characters, stored verbatim (any script,
   * quotes and SQL metacharacters included), but no slash, backslash, control character, leading or
   * trailing space, and not {@code .} or {@code ..}.
   */
  public void name(String field, String value) {
    if (!require(field, value)) {
      return;
    }
    String why = nameProblem(value);
    if (why != null) {
      error(field, why);
    }
  }

  public static String nameProblem(String value) {
    int length = value.codePointCount(0, value.length());
    if (length < 1 || length > 128) {
      return "must be 1 to 128 characters long";
    }
    if (value.equals(".") || value.equals("..")) {
      return "must not be . or ..";
    }
    if (!value.strip().equals(value)) {
      return "must not start or end with white space";
    }
    for (int i = 0; i < value.length(); ) {
      int cp = value.codePointAt(i);
      if (cp == '/' || cp == '\\') {
        return "must not contain / or \\";
      }
      if (Character.isISOControl(cp)
          || Character.getType(cp) == Character.FORMAT
          || Character.getType(cp) == Character.SURROGATE
          || Character.getType(cp) == Character.UNASSIGNED) {
        return "must not contain control, format or unassigned characters";
      }
      i += Character.charCount(cp);
    }
    return null;
  }

  public void team(String field, String value) {
    if (require(field, value) && !TEAM.matcher(value).matches()) {
      error(field, "must be 1 to 64 letters, digits, '.', '_' or '-'");
    }
  }

  public List<ApiException.FieldError> errors() {
    return List.copyOf(errors);
  }

  public boolean ok() {
    return errors.isEmpty();
  }

  public void throwIfInvalid() {
    if (!errors.isEmpty()) {
      throw ApiException.invalid(errors);
    }
  }
}
