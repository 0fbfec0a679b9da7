package dev.bulwark.server.config;

/**
 * A configuration problem that stops the server at start, naming the key and where it came from.
 */
public class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }
}
