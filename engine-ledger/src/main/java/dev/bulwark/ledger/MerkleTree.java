package dev.bulwark.ledger;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * RFC 9162 Merkle tree math over a {@link NodeSource}: roots of any size, inclusion and consistency
 * proofs (section 2.1.3.1 and 2.1.4.1), and their verification (2.1.3.2, 2.1.4.2). Every subtree a
 * proof needs is either perfect (one node read) or the right edge of the tree, which is split into
 * at most log2(n) perfect subtrees; so a proof costs O(log n) node reads. Pure functions:
 * thread-safe.
 */
public final class MerkleTree {
  private MerkleTree() {}

  /** The largest power of two strictly less than {@code n} (n >= 2): RFC 9162's split point. */
  static long split(long n) {
    return Long.highestOneBit(n - 1);
  }

  /** MTH of leaves [from, to). */
  public static byte[] hash(NodeSource nodes, long from, long to) {
    long n = to - from;
    if (n == 0) {
      return Hashes.emptyRoot();
    }
    // A perfect, aligned subtree is one stored node.
    if (Long.bitCount(n) == 1 && from % n == 0) {
      return nodes.node(Long.numberOfTrailingZeros(n), from / n);
    }
    long k = split(n);
    return Hashes.node(hash(nodes, from, from + k), hash(nodes, from + k, to));
  }

  public static byte[] root(NodeSource nodes, long size) {
    return hash(nodes, 0, size);
  }

  /** The audit path of leaf {@code index} in the tree of {@code size} leaves. */
  public static List<byte[]> inclusionProof(NodeSource nodes, long index, long size) {
    if (index < 0 || index >= size) {
      throw new IllegalArgumentException("index " + index + " is not in a tree of size " + size);
    }
    List<byte[]> proof = new ArrayList<>();
    path(nodes, index, 0, size, proof);
    return proof;
  }

  private static void path(NodeSource nodes, long m, long from, long to, List<byte[]> out) {
    long n = to - from;
    if (n <= 1) {
      return;
    }
    long k = split(n);
    if (m < k) {
      path(nodes, m, from, from + k, out);
      out.add(hash(nodes, from + k, to));
    } else {
      path(nodes, m - k, from + k, to, out);
      out.add(hash(nodes, from, from + k));
    }
  }

  /** The proof that the tree of {@code first} leaves is a prefix of the tree of {@code second}. */
  public static List<byte[]> consistencyProof(NodeSource nodes, long first, long second) {
    if (first < 0 || first > second) {
      throw new IllegalArgumentException("no consistency proof from " + first + " to " + second);
    }
    List<byte[]> proof = new ArrayList<>();
    if (first == 0 || first == second) {
      return proof;
    }
    subproof(nodes, first, 0, second, true, proof);
    return proof;
  }

  private static void subproof(
      NodeSource nodes, long m, long from, long to, boolean b, List<byte[]> out) {
    long n = to - from;
    if (m == n) {
      if (!b) {
        out.add(hash(nodes, from, to));
      }
      return;
    }
    long k = split(n);
    if (m <= k) {
      subproof(nodes, m, from, from + k, b, out);
      out.add(hash(nodes, from + k, to));
    } else {
      subproof(nodes, m - k, from + k, to, false, out);
      out.add(hash(nodes, from, from + k));
    }
  }

  /** RFC 9162 section 2.1.3.2. */
  public static boolean verifyInclusion(
      byte[] leafHash, long index, long size, List<byte[]> proof, byte[] root) {
    if (index < 0
        || index >= size
        || leafHash.length != Hashes.SIZE
        || root.length != Hashes.SIZE) {
      return false;
    }
    long fn = index;
    long sn = size - 1;
    byte[] r = leafHash;
    for (byte[] p : proof) {
      if (sn == 0 || p.length != Hashes.SIZE) {
        return false;
      }
      if ((fn & 1) == 1 || fn == sn) {
        r = Hashes.node(p, r);
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      } else {
        r = Hashes.node(r, p);
      }
      fn >>= 1;
      sn >>= 1;
    }
    return sn == 0 && Arrays.equals(r, root);
  }

  /** RFC 9162 section 2.1.4.2, with the trivial cases (first 0, first = second) decided first. */
  public static boolean verifyConsistency(
      long first, long second, byte[] firstRoot, byte[] secondRoot, List<byte[]> proof) {
    if (first < 0 || first > second) {
      return false;
    }
    if (first == second) {
      return proof.isEmpty() && Arrays.equals(firstRoot, secondRoot);
    }
    if (first == 0) {
      return proof.isEmpty() && Arrays.equals(firstRoot, Hashes.emptyRoot());
    }
    if (proof.isEmpty()) {
      return false;
    }
    for (byte[] p : proof) {
      if (p.length != Hashes.SIZE) {
        return false;
      }
    }
    List<byte[]> path = new ArrayList<>(proof);
    if (Long.bitCount(first) == 1) {
      path.add(0, firstRoot);
    }
    long fn = first - 1;
    long sn = second - 1;
    while ((fn & 1) == 1) {
      fn >>= 1;
      sn >>= 1;
    }
    byte[] fr = path.get(0);
    byte[] sr = path.get(0);
    for (int i = 1; i < path.size(); i++) {
      byte[] c = path.get(i);
      if (sn == 0) {
        return false;
      }
      if ((fn & 1) == 1 || fn == sn) {
        fr = Hashes.node(c, fr);
        sr = Hashes.node(c, sr);
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      } else {
        sr = Hashes.node(sr, c);
      }
      fn >>= 1;
      sn >>= 1;
    }
    return sn == 0 && Arrays.equals(fr, firstRoot) && Arrays.equals(sr, secondRoot);
  }
}
