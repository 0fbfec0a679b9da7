package dev.bulwark.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The worked examples of RFC 6962/9162 hashing published with the Certificate Transparency and
 * transparency-dev/merkle test suites (leaf inputs, every perfect-subtree node, every root), and
 * proofs assembled from those nodes by hand.
 */
class MerkleTreeTest {
  static final String[] LEAVES = {
    "",
    "00",
    "10",
    "2021",
    "3031",
    "40414243",
    "5051525354555657",
    "606162636465666768696a6b6c6d6e6f"
  };
  static final String[] ROOTS = {
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"
  };
  static final String[][] NODES = {
    {
      "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
          "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
      "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
          "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
          "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
      "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
          "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1"
    },
    {
      "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
          "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
          "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"
    },
    {
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"
    },
    {"5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"}
  };

  static InMemoryTree reference() {
    InMemoryTree t = new InMemoryTree();
    for (String l : LEAVES) {
      t.append(Hashes.leaf(HexFormat.of().parseHex(l)));
    }
    return t;
  }

  static List<String> hex(List<byte[]> proof) {
    return proof.stream().map(Hashes::hex).toList();
  }

  @Test
  void rootsOfEverySizeMatchThePublishedValues() {
    InMemoryTree t = reference();
    for (int n = 0; n <= 8; n++) {
      assertThat(Hashes.hex(t.root(n))).as("size %d", n).isEqualTo(ROOTS[n]);
    }
    assertThat(Hashes.hex(t.root())).isEqualTo(ROOTS[8]);
  }

  @Test
  void everyPerfectSubtreeNodeMatches() {
    InMemoryTree t = reference();
    for (int level = 0; level < NODES.length; level++) {
      for (int i = 0; i < NODES[level].length; i++) {
        assertThat(Hashes.hex(t.node(level, i)))
            .as("node %d/%d", level, i)
            .isEqualTo(NODES[level][i]);
      }
    }
  }

  @Test
  void inclusionProofsOfThePublishedTree() {
    InMemoryTree t = reference();
    assertThat(hex(MerkleTree.inclusionProof(t, 0, 8)))
        .containsExactly(NODES[0][1], NODES[1][1], NODES[2][1]);
    assertThat(hex(MerkleTree.inclusionProof(t, 5, 8)))
        .containsExactly(NODES[0][4], NODES[1][3], NODES[2][0]);
    assertThat(hex(MerkleTree.inclusionProof(t, 2, 3))).containsExactly(NODES[1][0]);
    assertThat(hex(MerkleTree.inclusionProof(t, 1, 5)))
        .containsExactly(NODES[0][0], NODES[1][1], NODES[0][4]);
    assertThat(MerkleTree.inclusionProof(t, 0, 1)).isEmpty();
    for (int i = 0; i < 8; i++) {
      assertThat(
              MerkleTree.verifyInclusion(
                  t.node(0, i), i, 8, MerkleTree.inclusionProof(t, i, 8), t.root(8)))
          .isTrue();
    }
  }

  @Test
  void consistencyProofsOfThePublishedTree() {
    InMemoryTree t = reference();
    assertThat(hex(MerkleTree.consistencyProof(t, 2, 8))).containsExactly(NODES[1][1], NODES[2][1]);
    assertThat(hex(MerkleTree.consistencyProof(t, 6, 8)))
        .containsExactly(NODES[1][2], NODES[1][3], NODES[2][0]);
    assertThat(hex(MerkleTree.consistencyProof(t, 2, 5))).containsExactly(NODES[1][1], NODES[0][4]);
    assertThat(hex(MerkleTree.consistencyProof(t, 1, 8)))
        .containsExactly(NODES[0][1], NODES[1][1], NODES[2][1]);
    assertThat(MerkleTree.consistencyProof(t, 8, 8)).isEmpty();
    assertThat(MerkleTree.consistencyProof(t, 0, 8)).isEmpty();
    for (int m = 0; m <= 8; m++) {
      for (int n = m; n <= 8; n++) {
        assertThat(
                MerkleTree.verifyConsistency(
                    m, n, t.root(m), t.root(n), MerkleTree.consistencyProof(t, m, n)))
            .as("%d -> %d", m, n)
            .isTrue();
      }
    }
  }

  @Test
  void trivialCasesAreDecidedStrictly() {
    InMemoryTree t = reference();
    assertThat(MerkleTree.verifyConsistency(3, 3, t.root(3), t.root(3), List.of())).isTrue();
    assertThat(MerkleTree.verifyConsistency(3, 3, t.root(3), t.root(4), List.of())).isFalse();
    assertThat(MerkleTree.verifyConsistency(0, 5, Hashes.emptyRoot(), t.root(5), List.of()))
        .isTrue();
    assertThat(MerkleTree.verifyConsistency(0, 5, t.root(1), t.root(5), List.of())).isFalse();
    assertThat(MerkleTree.verifyConsistency(4, 3, t.root(4), t.root(3), List.of())).isFalse();
    assertThat(MerkleTree.verifyConsistency(3, 5, t.root(3), t.root(5), List.of())).isFalse();
    assertThat(MerkleTree.verifyInclusion(t.node(0, 0), 0, 0, List.of(), t.root(1))).isFalse();
    assertThat(MerkleTree.verifyInclusion(t.node(0, 0), 0, 1, List.of(), t.root(1))).isTrue();
    assertThat(MerkleTree.verifyInclusion(t.node(0, 0), 0, 1, List.of(t.node(0, 1)), t.root(1)))
        .isFalse();
  }

  @Test
  void aResumedBuilderContinuesTheSameTree() {
    InMemoryTree t = reference();
    for (int n = 0; n <= 8; n++) {
      TreeBuilder b = TreeBuilder.resume(n, t);
      assertThat(Hashes.hex(b.root())).isEqualTo(ROOTS[n]);
      for (int i = n; i < 8; i++) {
        b.append(t.node(0, i));
      }
      assertThat(Hashes.hex(b.root())).isEqualTo(ROOTS[8]);
    }
  }
}
