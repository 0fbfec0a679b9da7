package dev.bulwark.vuln.version;

/** A version string that the ecosystem's rules cannot order. */
public final class InvalidVersionException extends Exception {
  public InvalidVersionException(String message) {
    super(message, null, false, false);
  }
}
