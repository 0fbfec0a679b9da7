package dev.bulwark.server.advisories;

import dev.bulwark.common.Sha256;
import dev.bulwark.vuln.osv.Advisory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
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

  static Stamp of(Advisory a) {
    byte[] h =
        Sha256.of(
            (a.id() + "\n" + a.modified() + "\n" + a.withdrawn()).getBytes(StandardCharsets.UTF_8));
    ByteBuffer b = ByteBuffer.wrap(h);
    return new Stamp(1, b.getLong(0), b.getLong(8));
  }

  static Stamp of(Iterable<Advisory> advisories) {
    Stamp s = NONE;
    for (Advisory a : advisories) {
      s = s.plus(of(a));
    }
    return s;
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
