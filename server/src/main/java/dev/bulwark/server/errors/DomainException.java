package dev.bulwark.server.errors;

import java.util.List;
import java.util.Objects;

/**
 * What a service or a job refuses, in the domain's words: the closed set of ways a request can fail
 * on its merits. Services and jobs throw these and never an HTTP status; the HTTP edge maps each
 * kind to an RFC 9457 problem ({@code HttpApi}), and a job logs it. The detail is safe to show to
 * the caller: it never holds a secret or another team's data.
 */
public abstract sealed class DomainException extends RuntimeException
    permits DomainException.NotFound,
        DomainException.Conflict,
        DomainException.Invalid,
        DomainException.Malformed,
        DomainException.Forbidden,
        DomainException.Unavailable {

  private DomainException(String detail) {
    super(Objects.requireNonNull(detail, "detail"), null, false, false);
  }

  /** The user-facing detail. */
  public String detail() {
    return getMessage();
  }

  /** One problem with one input field; {@code field} is a path such as {@code services[2].team}. */
  public record FieldError(String field, String message) {
    public FieldError {
      Objects.requireNonNull(field, "field");
      Objects.requireNonNull(message, "message");
    }
  }

  /** The thing named does not exist, or the caller may not see it (the two look the same). */
  public static final class NotFound extends DomainException {
    public NotFound(String detail) {
      super(detail);
    }
  }

  /** The request is well formed but the current state does not allow it. */
  public static final class Conflict extends DomainException {
    public Conflict(String detail) {
      super(detail);
    }
  }

  /** The input was read but some fields are wrong; each is named by its path. */
  public static final class Invalid extends DomainException {
    private final List<FieldError> errors;

    public Invalid(List<FieldError> errors) {
      super(summary(errors));
      this.errors = List.copyOf(errors);
    }

    public Invalid(String field, String message) {
      this(List.of(new FieldError(field, message)));
    }

    public List<FieldError> errors() {
      return errors;
    }

    private static String summary(List<FieldError> errors) {
      if (errors.isEmpty()) {
        throw new IllegalArgumentException("an Invalid names at least one field");
      }
      return errors.size() == 1
          ? errors.get(0).field() + ": " + errors.get(0).message()
          : errors.size() + " fields are invalid";
    }
  }

  /** The input cannot be read at all (not the format it claims to be). */
  public static final class Malformed extends DomainException {
    public Malformed(String detail) {
      super(detail);
    }
  }

  /** The caller is known but may not do this. */
  public static final class Forbidden extends DomainException {
    public Forbidden(String detail) {
      super(detail);
    }
  }

  /** The service cannot answer now; the same request may succeed later. */
  public static final class Unavailable extends DomainException {
    public Unavailable(String detail) {
      super(detail);
    }
  }
}
