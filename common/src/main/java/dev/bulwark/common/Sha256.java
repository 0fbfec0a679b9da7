package dev.bulwark.common;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 as Bulwark names things by it: lowercase hex, and {@code sha256:<hex>} where a value says
 * which algorithm made it. The one copy of this code; every module uses it.
 */
public final class Sha256 {
  private static final HexFormat HEX = HexFormat.of();

  private Sha256() {}

  /** A new digest; SHA-256 is required of every JDK, so this cannot fail. */
  public static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every JDK", e);
    }
  }

  /** The 32 bytes of SHA-256 of {@code bytes}. */
  public static byte[] of(byte[] bytes) {
    return digest().digest(bytes);
  }

  /** Lowercase hex of SHA-256 of {@code bytes}: 64 characters. */
  public static String hex(byte[] bytes) {
    return HEX.formatHex(of(bytes));
  }

  /** Lowercase hex of SHA-256 of the UTF-8 bytes of {@code text}. */
  public static String hex(String text) {
    return hex(text.getBytes(StandardCharsets.UTF_8));
  }

  /** {@code sha256:<hex>} of {@code bytes}, as digests of artifacts and states are written. */
  public static String prefixed(byte[] bytes) {
    return "sha256:" + hex(bytes);
  }
}
