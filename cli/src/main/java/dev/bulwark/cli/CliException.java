package dev.bulwark.cli;

/** Ends a command with a message on stderr and one of the contract's exit codes. */
final class CliException extends RuntimeException {
  private final int exitCode;

  CliException(int exitCode, String message) {
    super(message, null, false, false);
    this.exitCode = exitCode;
  }

  int exitCode() {
    return exitCode;
  }

  static CliException input(String message) {
    return new CliException(ExitCodes.INPUT, message);
  }
}
