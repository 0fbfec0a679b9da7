package dev.bulwark.ledger;

import java.util.ArrayList;
import java.util.List;

/**
 * Appends leaves one by one, keeping only the right frontier (at most log2(n) hashes), and reports
 * each perfect subtree the append completes, so a store can save nodes as the tree grows. The
 * frontier can be restored from stored nodes to continue after a restart. Not thread-safe: a ledger
 * has one writer.
 */
public final class TreeBuilder {
  /** A completed perfect subtree: store it as node (level, index). */
  public record Node(int level, long index, byte[] hash) {}

  private final List<byte[]> frontier =
      new ArrayList<>(); // frontier.get(l): pending perfect subtree of level l, or null
  private long size;

  public TreeBuilder() {}

  /** Continues a tree of {@code size} leaves, reading its frontier nodes from {@code nodes}. */
  public static TreeBuilder resume(long size, NodeSource nodes) {
    TreeBuilder b = new TreeBuilder();
    b.size = size;
    long offset = 0;
    for (int level = 63; level >= 0; level--) {
      if ((size >>> level & 1) == 1) {
        while (b.frontier.size() <= level) {
          b.frontier.add(null);
        }
        b.frontier.set(level, nodes.node(level, offset >>> level));
        offset += 1L << level;
      }
    }
    return b;
  }

  public long size() {
    return size;
  }

  /** Adds a leaf hash; returns the nodes it completes, the leaf itself first. */
  public List<Node> append(byte[] leafHash) {
    List<Node> done = new ArrayList<>(2);
    done.add(new Node(0, size, leafHash));
    byte[] carry = leafHash;
    int level = 0;
    long index = size;
    while (level < frontier.size() && frontier.get(level) != null) {
      carry = Hashes.node(frontier.get(level), carry);
      frontier.set(level, null);
      level++;
      index >>= 1;
      done.add(new Node(level, index, carry));
    }
    while (frontier.size() <= level) {
      frontier.add(null);
    }
    frontier.set(level, carry);
    size++;
    return done;
  }

  /** The root of the current tree, from the frontier alone. */
  public byte[] root() {
    byte[] r = null;
    for (byte[] h : frontier) {
      if (h != null) {
        r = r == null ? h : Hashes.node(h, r);
      }
    }
    return r == null ? Hashes.emptyRoot() : r;
  }
}
