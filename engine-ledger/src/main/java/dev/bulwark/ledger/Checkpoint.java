package dev.bulwark.ledger;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;

/**
 * A C2SP tlog-checkpoint body: origin, tree size and root hash, one per line. Signed and verified
 * as a note by {@link SignedNote}.
 */
public record Checkpoint(String origin, long size, byte[] root) {
  public Checkpoint {
    Objects.requireNonNull(origin, "origin");
    if (origin.isEmpty() || origin.contains("\n")) {
      throw new IllegalArgumentException("the origin must be one non-empty line");
    }
    if (size < 0) {
      throw new IllegalArgumentException("negative tree size");
    }
    if (root.length != Hashes.SIZE) {
      throw new IllegalArgumentException("the root hash is 32 bytes");
    }
    root = root.clone();
  }

  @Override
  public byte[] root() {
    return root.clone();
  }

  /** The note text that is signed: three lines, each ending in a newline. */
  public String body() {
    return origin + "\n" + size + "\n" + Base64.getEncoder().encodeToString(root) + "\n";
  }

  /** Parses a checkpoint body (extension lines after the root are allowed and ignored). */
  public static Checkpoint parse(String body) {
    String[] lines = body.split("\n", -1);
    if (lines.length < 4 || !body.endsWith("\n")) {
      throw new IllegalArgumentException("a checkpoint has an origin, a size and a root hash line");
    }
    long size;
    try {
      size = Long.parseLong(lines[1]);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("the tree size line is not a number");
    }
    if (!lines[1].equals(Long.toString(size)) || size < 0) {
      throw new IllegalArgumentException("the tree size line is not a canonical decimal number");
    }
    byte[] root;
    try {
      root = Base64.getDecoder().decode(lines[2].getBytes(StandardCharsets.US_ASCII));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the root hash line is not base64");
    }
    return new Checkpoint(lines[0], size, root);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Checkpoint c
        && c.origin.equals(origin)
        && c.size == size
        && java.util.Arrays.equals(c.root, root);
  }

  @Override
  public int hashCode() {
    return Objects.hash(origin, size, java.util.Arrays.hashCode(root));
  }

  @Override
  public String toString() {
    return "Checkpoint[" + origin + ", " + size + ", " + Hashes.hex(root) + "]";
  }
}
