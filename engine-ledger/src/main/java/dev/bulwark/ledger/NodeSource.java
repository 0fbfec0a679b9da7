package dev.bulwark.ledger;

/**
 * Hashes of perfect subtrees: level {@code l}, index {@code i} is the root of leaves {@code [i *
 * 2^l, (i + 1) * 2^l)}. Level 0 holds the leaf hashes. A store answers from its node table, so a
 * proof reads O(log n) stored nodes and never rehashes leaves.
 */
@FunctionalInterface
public interface NodeSource {
  byte[] node(int level, long index);
}
