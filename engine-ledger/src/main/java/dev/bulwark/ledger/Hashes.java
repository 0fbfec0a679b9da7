package dev.bulwark.ledger;

import dev.bulwark.common.Sha256;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * RFC 9162 section 2.1.1 hashing: leaf = SHA-256(0x00 || entry), node = SHA-256(0x01 || l || r).
 */
public final class Hashes {
  public static final int SIZE = 32;
  private static final HexFormat HEX = HexFormat.of();
  private static final byte[] EMPTY = Sha256.of(new byte[0]);

  private Hashes() {}

  public static byte[] leaf(byte[] entry) {
    MessageDigest d = Sha256.digest();
    d.update((byte) 0x00);
    d.update(entry);
    return d.digest();
  }

  public static byte[] node(byte[] left, byte[] right) {
    MessageDigest d = Sha256.digest();
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
