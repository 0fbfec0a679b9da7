package dev.bulwark.ledger;

import java.util.ArrayList;
import java.util.List;

/**
 * A whole tree in memory: every perfect-subtree node, 32 bytes each in chunked arrays (about 64
 * bytes per leaf in all). For verifiers that recompute a log from its entries, and for tests. Not
 * thread-safe while appending.
 */
public final class InMemoryTree implements NodeSource {
  private static final int CHUNK_NODES = 1 << 16;

  private final List<List<byte[]>> levels = new ArrayList<>();
  private final TreeBuilder builder = new TreeBuilder();

  /** An empty tree. */
  public InMemoryTree() {}

  public void append(byte[] leafHash) {
    for (TreeBuilder.Node n : builder.append(leafHash)) {
      put(n.level(), n.index(), n.hash());
    }
  }

  public long size() {
    return builder.size();
  }

  public byte[] root() {
    return builder.root();
  }

  public byte[] root(long size) {
    return MerkleTree.root(this, size);
  }

  private void put(int level, long index, byte[] hash) {
    while (levels.size() <= level) {
      levels.add(new ArrayList<>());
    }
    List<byte[]> chunks = levels.get(level);
    int chunk = (int) (index / CHUNK_NODES);
    while (chunks.size() <= chunk) {
      chunks.add(new byte[CHUNK_NODES * Hashes.SIZE]);
    }
    System.arraycopy(
        hash, 0, chunks.get(chunk), (int) (index % CHUNK_NODES) * Hashes.SIZE, Hashes.SIZE);
  }

  @Override
  public byte[] node(int level, long index) {
    if (level >= levels.size() || ((index + 1) << level) > builder.size()) {
      throw new IllegalArgumentException(
          "no node " + level + "/" + index + " in a tree of size " + builder.size());
    }
    byte[] out = new byte[Hashes.SIZE];
    System.arraycopy(
        levels.get(level).get((int) (index / CHUNK_NODES)),
        (int) (index % CHUNK_NODES) * Hashes.SIZE,
        out,
        0,
        Hashes.SIZE);
    return out;
  }
}
