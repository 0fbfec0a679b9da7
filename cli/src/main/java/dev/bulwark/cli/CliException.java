package dev.bulwark.cli;

/** Ends a command with a message on stderr and one of the exit codes of docs/cli.md. */
final class CliException extends RuntimeException {
  private final int exitCode;
  private final int httpStatus;

  CliException(int exitCode, String message) {
    this(exitCode, message, 0);
  }

  private CliException(int exitCode, String message, int httpStatus) {
    super(message, null, false, false);
    this.exitCode = exitCode;
    this.httpStatus = httpStatus;
  }

  int exitCode() {
    return exitCode;
  }

  /** The HTTP status of a server's refusal, or 0 when the failure is not one. */
  int httpStatus() {
    return httpStatus;
  }

  static CliException input(String message) {
    return new CliException(ExitCodes.INPUT, message);
  }

  static CliException usage(String message) {
    return new CliException(ExitCodes.USAGE, message);
  }

  /** A server's answer of {@code status} (4xx: exit 4, 5xx: exit 3). */
  static CliException refused(int status, String message) {
    return new CliException(status >= 500 ? ExitCodes.SERVER : ExitCodes.INPUT, message, status);
  }

  /** The same failure with another exit code and message (a command's reading of a refusal). */
  CliException with(int code, String message) {
    return new CliException(code, message, httpStatus);
  }
}
