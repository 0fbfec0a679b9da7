package dev.bulwark.server.ledger;

import dev.bulwark.ledger.Hashes;
import dev.bulwark.ledger.MerkleTree;
import dev.bulwark.ledger.NodeSource;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Read side of the ledger: roots and proofs from the stored nodes. A proof is planned first (the
 * shape of an RFC 9162 proof depends only on indexes), then its O(log n) nodes are read in one
 * query, then it is computed.
 */
public final class Ledger {
  private final LedgerStore store;

  public Ledger(LedgerStore store) {
    this.store = store;
  }

  public LedgerStore store() {
    return store;
  }

  private <T> T withNodes(Function<NodeSource, T> computation) {
    Set<Long> wanted = new HashSet<>();
    byte[] zero = new byte[Hashes.SIZE];
    computation.apply(
        (level, index) -> {
          wanted.add(LedgerStore.key(level, index));
          return zero;
        });
    return store
        .jdbi()
        .withHandle(
            h -> {
              Map<Long, byte[]> nodes = new HashMap<>(store.nodes(h, wanted));
              return computation.apply(
                  (level, index) -> {
                    byte[] b = nodes.get(LedgerStore.key(level, index));
                    if (b == null) {
                      throw new IllegalStateException(
                          "ledger node " + level + "/" + index + " is missing");
                    }
                    return b;
                  });
            });
  }

  public List<byte[]> inclusionProof(long index, long size) {
    return withNodes(n -> MerkleTree.inclusionProof(n, index, size));
  }

  public List<byte[]> consistencyProof(long from, long to) {
    return withNodes(n -> MerkleTree.consistencyProof(n, from, to));
  }

  public byte[] root(long size) {
    return withNodes(n -> MerkleTree.root(n, size));
  }
}
