package dev.bulwark.cli;

/**
 * The exit codes of every command (docs/cli.md): the contract's 0 to 3, and 4 for input the user
 * gave that cannot be used, so that a script can tell a typo in a flag from a broken file.
 */
final class ExitCodes {
  /** Success, allow, clean. */
  static final int OK = 0;

  /** The check failed: findings at or above the threshold, gate denied, verification failed. */
  static final int CHECK_FAILED = 1;

  /** Usage error: unknown option, missing or malformed argument (picocli's own code). */
  static final int USAGE = 2;

  /** The server is unreachable or answered with an error of its own (5xx). */
  static final int SERVER = 3;

  /** Input error: a file missing, unreadable, a directory, empty or in a wrong format. */
  static final int INPUT = 4;

  private ExitCodes() {}
}
