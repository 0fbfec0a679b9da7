package dev.bulwark.server.advisories;

import dev.bulwark.common.Sha256;
import dev.bulwark.vuln.osv.Advisory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * What a load read, as two nodes compare it: the number of records and the sum (mod 2^64, in two
 * halves) of the first 128 bits of SHA-256 of each record's id, modified time and withdrawn flag,
 * the same fields the change detection compares. A sum does not depend on file names, paths or load
 * order, and is kept per file, so a load that reads one new file costs that file's records. Not a
 * security measure: it names a mismatch of sources in a warning.
 */
record Stamp(long records, long high, long low) {
  static final Stamp NONE = new Stamp(0, 0, 0);

  Stamp {
    if (records < 0) {
      throw new IllegalArgumentException("records " + records);
    }
  }

  /** The stamp of these records, one digest reused for all of them. */
  static Stamp of(Iterable<Advisory> advisories) {
    MessageDigest sha = Sha256.digest();
    long records = 0;
    long high = 0;
    long low = 0;
    for (Advisory a : advisories) {
      ByteBuffer h =
          ByteBuffer.wrap(
              sha.digest(
                  (a.id() + "\n" + a.modified() + "\n" + a.withdrawn())
                      .getBytes(StandardCharsets.UTF_8)));
      records++;
      high += h.getLong(0);
      low += h.getLong(8);
    }
    return new Stamp(records, high, low);
  }

  Stamp plus(Stamp o) {
    return new Stamp(records + o.records, high + o.high, low + o.low);
  }

  /** {@code <records>:<32 hex digits>}, as the revision row stores it. */
  String text() {
    HexFormat hex = HexFormat.of();
    return records + ":" + hex.toHexDigits(high) + hex.toHexDigits(low);
  }
}
