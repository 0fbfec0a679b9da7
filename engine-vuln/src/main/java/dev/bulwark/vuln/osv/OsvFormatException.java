package dev.bulwark.vuln.osv;

/** An advisory source that cannot be read: the message names the file (and entry) and position. */
public final class OsvFormatException extends Exception {
  public OsvFormatException(String message) {
    super(message, null, false, false);
  }
}
