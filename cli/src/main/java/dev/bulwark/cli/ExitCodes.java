package dev.bulwark.cli;

/** The exit codes of every command, as the public contract defines them. */
final class ExitCodes {
  static final int OK = 0;
  static final int CHECK_FAILED = 1;
  static final int INPUT = 2;
  static final int SERVER = 3;

  private ExitCodes() {}
}
