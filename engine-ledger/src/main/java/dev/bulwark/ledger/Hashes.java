package dev.bulwark.ledger;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * RFC 9162 section 2.1.1 hashing: leaf = SHA-256(0x00 || entry), node = SHA-256(0x01 || l || r).
 */
public final class Hashes {
  public static final int SIZE = 32;
  private static final HexFormat HEX = HexFormat.of();
  private static final byte[] EMPTY = sha256().digest();

  private Hashes() {}

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every JDK", e);
    }
  }

  public static byte[] leaf(byte[] entry) {
    MessageDigest d = sha256();
    d.update((byte) 0x00);
    d.update(entry);
    return d.digest();
  }

  public static byte[] node(byte[] left, byte[] right) {
    MessageDigest d = sha256();
    d.update((byte) 0x01);
    d.update(left);
    d.update(right);
    return d.digest();
  }

  /** The root of the empty tree: SHA-256 of the empty string. */
  public static byte[] emptyRoot() {
    return EMPTY.clone();
  }

  public static String hex(byte[] hash) {
    return HEX.formatHex(hash);
  }

  /**
   * Parses lowercase or uppercase hex of exactly 32 bytes; throws IllegalArgumentException
   * otherwise.
   */
  public static byte[] fromHex(String hex) {
    byte[] b = HEX.parseHex(hex);
    if (b.length != SIZE) {
      throw new IllegalArgumentException("a hash is 32 bytes, not " + b.length);
    }
    return b;
  }
}
