package dev.bulwark.policy;

import java.util.Objects;

/** One problem in a policy bundle or test file, where it is: {@code file:line:col: message}. */
public record Diagnostic(String file, int line, int column, String message) {
  public Diagnostic {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(message, "message");
  }

  @Override
  public String toString() {
    return file + ":" + line + ":" + column + ": " + message;
  }
}
