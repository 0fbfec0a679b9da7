package dev.bulwark.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Offline verification of an evidence bundle: the checkpoint is signed by the given key, and each
 * entry's inclusion proof leads from its leaf hash to the checkpoint's root.
 */
public final class EvidenceBundle {
  private static final ObjectMapper JSON = new ObjectMapper();

  private EvidenceBundle() {}

  public sealed interface Result permits Result.Valid, Result.Invalid {
    record Valid(Checkpoint checkpoint, List<LedgerEntry> entries) implements Result {}

    record Invalid(String reason) implements Result {}
  }

  public static Result verify(byte[] bundle, NoteKey.Verifier key) {
    JsonNode root;
    try {
      root = JSON.readTree(bundle);
    } catch (IOException e) {
      return new Result.Invalid("the bundle is not valid JSON (truncated?): " + e.getMessage());
    }
    if (root == null || !"bulwark-evidence-bundle/v1".equals(root.path("format").asText())) {
      return new Result.Invalid(
          "not a Bulwark evidence bundle (format bulwark-evidence-bundle/v1)");
    }
    SignedNote.Result signed = SignedNote.verify(root.path("checkpoint").asText(null), key);
    if (signed instanceof SignedNote.Result.Invalid inv) {
      return new Result.Invalid("the checkpoint is refused: " + inv.reason());
    }
    Checkpoint cp = ((SignedNote.Result.Valid) signed).checkpoint();
    JsonNode entries = root.path("entries");
    if (!entries.isArray()) {
      return new Result.Invalid("the bundle has no entries array");
    }
    List<LedgerEntry> out = new ArrayList<>();
    for (JsonNode e : entries) {
      long index = e.path("index").asLong(-1);
      String canonical = e.path("canonical").asText(null);
      if (index < 0 || canonical == null || !e.path("inclusionProof").isArray()) {
        return new Result.Invalid("an entry of the bundle is incomplete");
      }
      byte[] bytes = canonical.getBytes(StandardCharsets.UTF_8);
      LedgerEntry parsed;
      try {
        parsed = LedgerEntry.parse(bytes);
      } catch (IllegalArgumentException ex) {
        return new Result.Invalid("entry " + index + " is unreadable: " + ex.getMessage());
      }
      if (parsed.index() != index || !Arrays.equals(parsed.canonicalBytes(), bytes)) {
        return new Result.Invalid("entry " + index + " does not match its canonical form or index");
      }
      List<byte[]> proof = new ArrayList<>();
      try {
        for (JsonNode h : e.path("inclusionProof")) {
          proof.add(Hashes.fromHex(h.asText()));
        }
      } catch (IllegalArgumentException ex) {
        return new Result.Invalid("entry " + index + " has a malformed proof: " + ex.getMessage());
      }
      if (!MerkleTree.verifyInclusion(Hashes.leaf(bytes), index, cp.size(), proof, cp.root())) {
        return new Result.Invalid(
            "entry " + index + " is not in the signed tree of size " + cp.size());
      }
      out.add(parsed);
    }
    return new Result.Valid(cp, out);
  }
}
