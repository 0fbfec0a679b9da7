package dev.bulwark.server.http;

import dev.bulwark.server.errors.DomainException;
import java.util.List;

/**
 * An error with an HTTP status and a safe, user-facing detail. Handlers throw it; the server turns
 * it into an RFC 9457 problem. Anything else that escapes a handler becomes a generic 500.
 */
public class ApiException extends RuntimeException {
  private final int status;
  private final String title;
  private final List<FieldError> errors;

  public ApiException(int status, String title, String detail) {
    this(status, title, detail, List.of());
  }

  public ApiException(int status, String title, String detail, List<FieldError> errors) {
    super(detail, null, false, false);
    this.status = status;
    this.title = title;
    this.errors = List.copyOf(errors);
  }

  public int status() {
    return status;
  }

  public String title() {
    return title;
  }

  public List<FieldError> errors() {
    return errors;
  }

  /** One problem with one input field; {@code field} is a path such as {@code services[2].team}. */
  public record FieldError(String field, String message) {}

  /** The problem a domain refusal becomes at the HTTP edge: the one place statuses are chosen. */
  public static ApiException of(DomainException e) {
    return switch (e) {
      case DomainException.NotFound n -> notFound(n.detail());
      case DomainException.Conflict c -> conflict(c.detail());
      case DomainException.Invalid i ->
          invalid(i.errors().stream().map(f -> new FieldError(f.field(), f.message())).toList());
      case DomainException.Malformed m -> badRequest(m.detail());
      case DomainException.Forbidden f -> forbidden(f.detail());
      case DomainException.Unavailable u ->
          new ApiException(503, "Service Unavailable", u.detail());
    };
  }

  public static ApiException badRequest(String detail) {
    return new ApiException(400, "Bad Request", detail);
  }

  public static ApiException invalid(List<FieldError> errors) {
    return new ApiException(
        422,
        "Unprocessable Content",
        errors.size() == 1
            ? errors.get(0).field() + ": " + errors.get(0).message()
            : errors.size() + " fields are invalid",
        errors);
  }

  public static ApiException invalid(String field, String message) {
    return invalid(List.of(new FieldError(field, message)));
  }

  public static ApiException notFound(String detail) {
    return new ApiException(404, "Not Found", detail);
  }

  public static ApiException forbidden(String detail) {
    return new ApiException(403, "Forbidden", detail);
  }

  public static ApiException conflict(String detail) {
    return new ApiException(409, "Conflict", detail);
  }
}
