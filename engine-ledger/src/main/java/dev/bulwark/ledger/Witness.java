package dev.bulwark.ledger;

import java.util.Arrays;
import java.util.List;

/**
 * A witness holds a log to its history: it accepts a new checkpoint only if it is signed, not
 * smaller than the last one it accepted, and proven consistent with it.
 */
public final class Witness {
  private Witness() {}

  public sealed interface Result permits Result.Accepted, Result.Refused {
    record Accepted(Checkpoint checkpoint) implements Result {}

    /** {@code kind} is "rollback", "fork", or "signature". */
    record Refused(String kind, String reason) implements Result {}
  }

  /**
   * @param last the last accepted checkpoint, or null on first contact
   * @param proof the log's consistency proof from {@code last.size()} to the new size
   */
  public static Result check(
      Checkpoint last, String newNote, NoteKey.Verifier key, List<byte[]> proof) {
    SignedNote.Result r = SignedNote.verify(newNote, key);
    if (r instanceof SignedNote.Result.Invalid inv) {
      return new Result.Refused("signature", inv.reason());
    }
    Checkpoint next = ((SignedNote.Result.Valid) r).checkpoint();
    if (last == null) {
      return new Result.Accepted(next);
    }
    if (!next.origin().equals(last.origin())) {
      return new Result.Refused(
          "fork", "the checkpoint is for origin " + next.origin() + ", not " + last.origin());
    }
    if (next.size() < last.size()) {
      return new Result.Refused(
          "rollback", "the log shrank from " + last.size() + " to " + next.size() + " entries");
    }
    if (next.size() == last.size()) {
      return Arrays.equals(next.root(), last.root())
          ? new Result.Accepted(next)
          : new Result.Refused("fork", "two different trees of size " + next.size());
    }
    if (!MerkleTree.verifyConsistency(last.size(), next.size(), last.root(), next.root(), proof)) {
      return new Result.Refused(
          "fork",
          "the tree of size "
              + next.size()
              + " is not an extension of the one of size "
              + last.size());
    }
    return new Result.Accepted(next);
  }
}
