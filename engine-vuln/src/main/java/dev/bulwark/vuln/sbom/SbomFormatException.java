package dev.bulwark.vuln.sbom;

/** An SBOM that cannot be read; the message names the file and the position. */
public final class SbomFormatException extends Exception {
  public SbomFormatException(String message) {
    super(message, null, false, false);
  }
}
