package dev.bulwark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.ledger.Checkpoint;
import dev.bulwark.ledger.Hashes;
import dev.bulwark.ledger.MerkleTree;
import dev.bulwark.ledger.NoteKey;
import dev.bulwark.ledger.SignedNote;
import dev.bulwark.server.http.Json;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ledger prove}: one entry's inclusion in the latest signed checkpoint, checked here. The
 * whole-log {@code ledger verify} reads everything; an auditor asking about one decision needs only
 * this entry, its proof and the signed root.
 */
@Calls({
  "GET /api/v1/ledger/public-key",
  "GET /api/v1/ledger/checkpoint",
  "GET /api/v1/ledger/entries",
  "GET /api/v1/ledger/proofs/inclusion"
})
@Command(
    name = "prove",
    description =
        "Check that ledger entry INDEX (such as a decision's ledger index) is in the tree of the latest signed checkpoint: the checkpoint's signature, the entry's leaf hash and its RFC 9162 inclusion proof are verified here. Exit 0 when it is, 1 when a check fails or the entry is newer than the checkpoint.",
    mixinStandardHelpOptions = true)
final class LedgerProveCommand implements Callable<Integer> {
  @Mixin ClientOptions client;
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "INDEX")
  long index;

  @Option(
      names = "--key",
      paramLabel = "KEY",
      description = "The verifier key (or a file holding it); default: the server's own.")
  String key;

  /** The pinned key, or the server's own (trust on first use, said on standard error). */
  private NoteKey.Verifier verifier(ApiClient api, PrintWriter err) {
    if (key != null) {
      return LedgerCommand.key(key);
    }
    NoteKey.Verifier k;
    try {
      k = NoteKey.Verifier.parse(api.getText("/api/v1/ledger/public-key").strip());
    } catch (IllegalArgumentException e) {
      throw new CliException(
          ExitCodes.SERVER, "the server's public key is not a verifier key: " + e.getMessage());
    }
    if (!client.output.quiet) {
      err.println("bulwark: trusting the server's own key " + k.encoded() + "; pin it with --key");
      err.flush();
    }
    return k;
  }

  @Override
  public Integer call() {
    ApiClient api = client.client();
    PrintWriter err = spec.commandLine().getErr();
    NoteKey.Verifier verifier = verifier(api, err);
    Checkpoint checkpoint =
        switch (SignedNote.verify(api.getText("/api/v1/ledger/checkpoint"), verifier)) {
          case SignedNote.Result.Valid v -> v.checkpoint();
          case SignedNote.Result.Invalid i ->
              throw new CliException(
                  ExitCodes.CHECK_FAILED,
                  "verification FAILED: the latest checkpoint is refused: " + i.reason());
        };
    if (index < 0 || index >= checkpoint.size()) {
      throw new CliException(
          ExitCodes.CHECK_FAILED,
          "entry "
              + index
              + " is not in the latest signed checkpoint (size "
              + checkpoint.size()
              + "); a newer entry is proven after the next checkpoint");
    }
    JsonNode entries =
        api.get("/api/v1/ledger/entries?start=" + index + "&end=" + (index + 1)).path("entries");
    if (entries.size() != 1 || entries.get(0).path("index").asLong() != index) {
      throw new CliException(
          ExitCodes.CHECK_FAILED, "verification FAILED: the server did not send entry " + index);
    }
    String canonical = entries.get(0).path("canonical").asText();
    byte[] leaf = Hashes.leaf(canonical.getBytes(StandardCharsets.UTF_8));
    List<byte[]> proof = new ArrayList<>();
    for (JsonNode h :
        api.get("/api/v1/ledger/proofs/inclusion?index=" + index + "&size=" + checkpoint.size())
            .path("hashes")) {
      proof.add(LedgerCommand.serverHash(h.asText()));
    }
    boolean included =
        MerkleTree.verifyInclusion(leaf, index, checkpoint.size(), proof, checkpoint.root());
    ObjectNode r = Json.MAPPER.createObjectNode();
    r.put("index", index);
    r.put("included", included);
    r.put("treeSize", checkpoint.size());
    r.put("root", Hashes.hex(checkpoint.root()));
    r.put("leafHash", Hashes.hex(leaf));
    r.put("origin", checkpoint.origin());
    r.set("entry", entries.get(0).path("entry"));
    PrintWriter out = spec.commandLine().getOut();
    if (client.output.json()) {
      Printer.print(out, client.output, r, null);
    } else {
      client.output.write(
          out,
          w ->
              w.println(
                  included
                      ? "entry "
                          + index
                          + " ("
                          + r.path("entry").path("action").asText()
                          + ") is included in the signed tree of size "
                          + checkpoint.size()
                          + ", root "
                          + r.path("root").asText()
                      : "verification FAILED: the inclusion proof of entry "
                          + index
                          + " does not lead to the signed root of size "
                          + checkpoint.size()));
    }
    return included ? ExitCodes.OK : ExitCodes.CHECK_FAILED;
  }
}
