package dev.bulwark.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** Random trees: every proof verifies, and any flipped bit, wrong index or wrong size fails. */
class MerkleProperties {
  static InMemoryTree tree(int n, long seed) {
    InMemoryTree t = new InMemoryTree();
    for (int i = 0; i < n; i++) {
      t.append(
          Hashes.leaf(
              ("leaf-" + seed + "-" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }
    return t;
  }

  static List<byte[]> flip(List<byte[]> proof, int which, int bit) {
    List<byte[]> out = new ArrayList<>();
    for (byte[] p : proof) {
      out.add(p.clone());
    }
    out.get(which)[bit / 8 % 32] ^= (byte) (1 << (bit % 8));
    return out;
  }

  @Property(tries = 300)
  void inclusionProofsVerifyAndTamperingFails(
      @ForAll @IntRange(min = 1, max = 300) int size,
      @ForAll @IntRange(min = 0, max = 299) int rawIndex,
      @ForAll @IntRange(min = 0, max = 255) int bit,
      @ForAll long seed) {
    int index = rawIndex % size;
    // One leaf more than the proof's tree, so that "the wrong size" has a real root to claim.
    InMemoryTree t = tree(size + 1, seed);
    byte[] root = t.root(size);
    byte[] leaf = t.node(0, index);
    List<byte[]> proof = MerkleTree.inclusionProof(t, index, size);
    assertThat(proof.size()).isLessThanOrEqualTo(64 - Long.numberOfLeadingZeros(size));
    assertThat(MerkleTree.verifyInclusion(leaf, index, size, proof, root)).isTrue();
    if (!proof.isEmpty()) {
      assertThat(
              MerkleTree.verifyInclusion(
                  leaf, index, size, flip(proof, bit % proof.size(), bit), root))
          .isFalse();
    }
    byte[] badLeaf = leaf.clone();
    badLeaf[bit % 32] ^= 1;
    assertThat(MerkleTree.verifyInclusion(badLeaf, index, size, proof, root)).isFalse();
    if (size > 1) {
      assertThat(MerkleTree.verifyInclusion(leaf, (index + 1) % size, size, proof, root)).isFalse();
      assertThat(MerkleTree.verifyInclusion(leaf, index, size + 1, proof, t.root(size + 1)))
          .isFalse();
    }
  }

  @Property(tries = 300)
  void consistencyProofsVerifyAndTamperingFails(
      @ForAll @IntRange(min = 1, max = 300) int second,
      @ForAll @IntRange(min = 1, max = 300) int rawFirst,
      @ForAll @IntRange(min = 0, max = 255) int bit,
      @ForAll long seed) {
    int first = 1 + (rawFirst - 1) % second;
    InMemoryTree t = tree(second + 1, seed);
    byte[] r1 = t.root(first);
    byte[] r2 = t.root(second);
    List<byte[]> proof = MerkleTree.consistencyProof(t, first, second);
    assertThat(MerkleTree.verifyConsistency(first, second, r1, r2, proof)).isTrue();
    if (first < second) {
      assertThat(
              MerkleTree.verifyConsistency(
                  first, second, r1, r2, flip(proof, bit % proof.size(), bit)))
          .isFalse();
      assertThat(MerkleTree.verifyConsistency(first, second + 1, r1, t.root(second + 1), proof))
          .isFalse();
      byte[] bad = r1.clone();
      bad[bit % 32] ^= 1;
      assertThat(MerkleTree.verifyConsistency(first, second, bad, r2, proof)).isFalse();
      // A fork: the same first tree, a different second tree.
      InMemoryTree other = tree(second, seed + 1);
      if (first > 0) {
        assertThat(MerkleTree.verifyConsistency(first, second, r1, other.root(second), proof))
            .isFalse();
      }
    }
  }

  @Property(tries = 100)
  void theBuildersRootIsTheRecursiveDefinition(
      @ForAll @IntRange(min = 0, max = 500) int size, @ForAll long seed) {
    InMemoryTree t = tree(size, seed);
    List<byte[]> leaves = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      leaves.add(t.node(0, i));
    }
    assertThat(Hashes.hex(t.root())).isEqualTo(Hashes.hex(reference(leaves, 0, size)));
  }

  /** RFC 9162 MTH, written directly from the definition. */
  static byte[] reference(List<byte[]> leaves, int from, int to) {
    int n = to - from;
    if (n == 0) {
      return Hashes.emptyRoot();
    }
    if (n == 1) {
      return leaves.get(from);
    }
    int k = Integer.highestOneBit(n - 1);
    return Hashes.node(reference(leaves, from, from + k), reference(leaves, from + k, to));
  }
}
