package dev.bulwark.ledger;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Checks a whole log as an auditor fetched it: every entry is well formed and carries its own
 * index, hashes to the leaf the log computed when it was appended, and every signed checkpoint
 * matches the tree recomputed from the entries (which makes the checkpoints consistent with each
 * other). Reports the first bad index. Pure: the caller fetches, this decides.
 */
public final class LogVerifier {
  private LogVerifier() {}

  /** An entry as fetched: the index the store files it under, and its canonical text. */
  public record FetchedEntry(long index, String canonical) {}

  public sealed interface Result permits Result.Valid, Result.Invalid {
    /**
     * Every entry and checkpoint checks out; {@code unsigned} entries follow the last checkpoint.
     */
    record Valid(long size, int checkpoints, long unsigned) implements Result {}

    /** {@code firstBadIndex} is -1 when the problem is a checkpoint, not an entry. */
    record Invalid(long firstBadIndex, String reason) implements Result {}
  }

  public static Result verify(
      List<FetchedEntry> entries,
      List<byte[]> storedLeaves,
      List<String> checkpointNotes,
      NoteKey.Verifier key) {
    long firstBad = Long.MAX_VALUE;
    String reason = null;
    InMemoryTree tree = new InMemoryTree();
    for (int i = 0; i < entries.size(); i++) {
      FetchedEntry f = entries.get(i);
      String problem = null;
      if (f.index() != i) {
        problem =
            f.index() > i
                ? "entry " + i + " is missing (the next stored entry is " + f.index() + ")"
                : "entry " + i + " is stored twice or out of order";
      } else if (claimedIndex(f.canonical()) != i) {
        // Fast path first: canonical JSON carries "index":N between "before" and "requestId".
        // Only an entry that fails it is parsed, to say what is wrong with it.
        try {
          LedgerEntry e = LedgerEntry.parse(f.canonical().getBytes(StandardCharsets.UTF_8));
          problem =
              e.index() != i
                  ? "entry " + i + " says it is entry " + e.index() + " (rows moved)"
                  : "entry " + i + " is not in canonical form (edited)";
        } catch (IllegalArgumentException ex) {
          problem = "entry " + i + " is unreadable: " + ex.getMessage();
        }
      }
      byte[] leaf = Hashes.leaf(f.canonical().getBytes(StandardCharsets.UTF_8));
      if (problem == null && i < storedLeaves.size() && !Arrays.equals(leaf, storedLeaves.get(i))) {
        problem =
            "entry " + i + " differs from the leaf hash computed when it was appended (edited)";
      }
      if (problem != null && i < firstBad) {
        firstBad = i;
        reason = problem;
      }
      tree.append(leaf);
    }
    int checked = 0;
    long lastGood = 0;
    long lastSize = -1;
    for (String note : checkpointNotes) {
      SignedNote.Result r = SignedNote.verify(note, key);
      if (r instanceof SignedNote.Result.Invalid inv) {
        return min(
            firstBad, reason, new Result.Invalid(-1, "a checkpoint is refused: " + inv.reason()));
      }
      Checkpoint cp = ((SignedNote.Result.Valid) r).checkpoint();
      if (cp.size() < lastSize) {
        return min(
            firstBad,
            reason,
            new Result.Invalid(-1, "checkpoints are out of order at size " + cp.size()));
      }
      lastSize = cp.size();
      if (cp.size() > tree.size()) {
        long at = tree.size();
        return min(
            firstBad,
            reason,
            new Result.Invalid(
                at,
                "the signed checkpoint of size "
                    + cp.size()
                    + " covers entries that are gone from "
                    + at));
      }
      if (!Arrays.equals(tree.root(cp.size()), cp.root())) {
        // An entry found bad below this size explains the mismatch and is more precise; otherwise
        // entries and their stored hashes were rewritten together, and only the range is known.
        if (reason != null && firstBad < cp.size()) {
          return new Result.Invalid(firstBad, reason);
        }
        return new Result.Invalid(
            lastGood,
            "the entries from "
                + lastGood
                + " to "
                + cp.size()
                + " do not hash to the signed checkpoint of size "
                + cp.size()
                + " (rewritten together with their stored hashes; the first bad index is at or after "
                + lastGood
                + ")");
      }
      lastGood = cp.size();
      checked++;
    }
    if (reason != null) {
      return new Result.Invalid(firstBad, reason);
    }
    return new Result.Valid(tree.size(), checked, tree.size() - Math.max(lastGood, 0));
  }

  /** The value of "index" in canonical entry JSON, or -1. */
  static long claimedIndex(String canonical) {
    int at = canonical.indexOf(",\"index\":");
    if (at < 0) {
      return -1;
    }
    long v = 0;
    int digits = 0;
    for (int i = at + 9; i < canonical.length() && Character.isDigit(canonical.charAt(i)); i++) {
      v = v * 10 + (canonical.charAt(i) - '0');
      digits++;
    }
    return digits == 0 || digits > 18 ? -1 : v;
  }

  private static Result min(long firstBad, String reason, Result.Invalid other) {
    if (reason != null && (other.firstBadIndex() < 0 || firstBad <= other.firstBadIndex())) {
      return new Result.Invalid(firstBad, reason);
    }
    return other;
  }
}
