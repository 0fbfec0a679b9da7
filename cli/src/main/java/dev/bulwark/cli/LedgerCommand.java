package dev.bulwark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.ledger.Checkpoint;
import dev.bulwark.ledger.EvidenceBundle;
import dev.bulwark.ledger.Hashes;
import dev.bulwark.ledger.LogVerifier;
import dev.bulwark.ledger.NoteKey;
import dev.bulwark.ledger.SignedNote;
import dev.bulwark.ledger.Witness;
import dev.bulwark.server.http.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "ledger",
    description = "Verify, export and witness the tamper-evident ledger.",
    mixinStandardHelpOptions = true,
    subcommands = {
      LedgerCommand.Verify.class,
      LedgerCommand.Export.class,
      LedgerCommand.VerifyBundle.class,
      LedgerCommand.PublicKey.class,
      LedgerCommand.WitnessCommand.class,
      LedgerProveCommand.class
    })
final class LedgerCommand {
  private static final int PAGE = 10_000;

  /** A verifier key given as the key itself or as a file holding it. */
  static NoteKey.Verifier key(String keyOrFile) {
    String text = keyOrFile;
    try {
      Path p = Path.of(keyOrFile);
      if (Files.isRegularFile(p)) {
        text = Files.readString(p, StandardCharsets.UTF_8).strip();
      }
    } catch (IOException | java.nio.file.InvalidPathException e) {
      // not a file: the key itself
    }
    try {
      return NoteKey.Verifier.parse(text);
    } catch (IllegalArgumentException e) {
      throw CliException.input(
          "--key is not a ledger verifier key (name+keyid+key) nor a file holding one: "
              + e.getMessage());
    }
  }

  /** Hex hashes from the server; a malformed one fails the check instead of crashing it. */
  static byte[] serverHash(String hex) {
    try {
      return Hashes.fromHex(hex);
    } catch (IllegalArgumentException e) {
      throw new CliException(
          ExitCodes.CHECK_FAILED,
          "verification FAILED: the server sent a malformed hash '"
              + (hex.length() > 80 ? hex.substring(0, 80) + "..." : hex)
              + "'");
    }
  }

  static NoteKey.Verifier serverKey(ApiClient api, String pinned, PrintWriter err) {
    if (pinned != null) {
      return key(pinned);
    }
    NoteKey.Verifier k = key(api.getText("/api/v1/ledger/public-key").strip());
    err.println("bulwark: trusting the server's own key " + k.encoded() + "; pin it with --key");
    err.flush();
    return k;
  }

  @Calls({
    "GET /api/v1/ledger/public-key",
    "GET /api/v1/ledger/checkpoints",
    "GET /api/v1/ledger/entries",
    "GET /api/v1/ledger/leaves"
  })
  @Command(
      name = "verify",
      description =
          "Fetch the whole ledger, recompute the tree, check every checkpoint; exit 1 naming the first bad index.",
      mixinStandardHelpOptions = true)
  static final class Verify implements Callable<Integer> {
    @Mixin ClientOptions client;
    @Spec CommandSpec spec;

    @Option(
        names = "--key",
        paramLabel = "KEY",
        description = "The ledger's verifier key, or a file holding it (default: ask the server).")
    String key;

    @Override
    public Integer call() {
      ApiClient api = client.client();
      PrintWriter out = spec.commandLine().getOut();
      NoteKey.Verifier verifier = serverKey(api, key, spec.commandLine().getErr());
      List<String> notes = new ArrayList<>();
      for (JsonNode c : api.get("/api/v1/ledger/checkpoints").path("checkpoints")) {
        notes.add(c.path("note").asText());
      }
      long size = api.get("/api/v1/ledger/entries?start=0&end=0").path("size").asLong();
      List<LogVerifier.FetchedEntry> entries = new ArrayList<>();
      List<byte[]> leaves = new ArrayList<>();
      for (long start = 0; start < size; start += PAGE) {
        long end = Math.min(size, start + PAGE);
        for (JsonNode e :
            api.get("/api/v1/ledger/entries?start=" + start + "&end=" + end).path("entries")) {
          entries.add(
              new LogVerifier.FetchedEntry(e.path("index").asLong(), e.path("canonical").asText()));
        }
        for (JsonNode h :
            api.get("/api/v1/ledger/leaves?start=" + start + "&end=" + end).path("hashes")) {
          leaves.add(serverHash(h.asText()));
        }
      }
      switch (LogVerifier.verify(entries, leaves, notes, verifier)) {
        case LogVerifier.Result.Valid v -> {
          out.println(
              "ledger verified: "
                  + v.size()
                  + " entries, "
                  + v.checkpoints()
                  + " signed checkpoints consistent with them, "
                  + v.unsigned()
                  + " entries after the last checkpoint");
          out.flush();
          return ExitCodes.OK;
        }
        case LogVerifier.Result.Invalid bad -> {
          spec.commandLine()
              .getErr()
              .println(
                  "bulwark: ledger verification FAILED"
                      + (bad.firstBadIndex() >= 0 ? " at index " + bad.firstBadIndex() : "")
                      + ": "
                      + bad.reason());
          spec.commandLine().getErr().flush();
          return ExitCodes.CHECK_FAILED;
        }
      }
    }
  }

  @Calls("GET /api/v1/ledger/export")
  @Command(
      name = "export",
      description =
          "Write an evidence bundle: entries with inclusion proofs against one signed checkpoint, and the public key.",
      mixinStandardHelpOptions = true)
  static final class Export implements Callable<Integer> {
    @Mixin ClientOptions client;
    @Spec CommandSpec spec;

    @Option(names = "--service", description = "Only entries about this service.")
    String service;

    @Option(names = "--since", paramLabel = "INSTANT")
    String since;

    @Option(names = "--until", paramLabel = "INSTANT")
    String until;

    @Override
    public Integer call() throws IOException {
      Path out = client.output.requiredFile();
      StringBuilder q = new StringBuilder("/api/v1/ledger/export?");
      if (service != null) {
        q.append("service=").append(ApiClient.segment(service)).append('&');
      }
      if (since != null) {
        q.append("since=").append(ApiClient.segment(since)).append('&');
      }
      if (until != null) {
        q.append("until=").append(ApiClient.segment(until)).append('&');
      }
      byte[] bundle = client.client().getBytes(q.toString());
      Path tmp = Files.createTempFile(out.toAbsolutePath().getParent(), ".bundle", ".part");
      Files.write(tmp, bundle);
      Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      JsonNode b = Json.MAPPER.readTree(bundle);
      spec.commandLine()
          .getOut()
          .println(
              "wrote "
                  + out
                  + ": "
                  + b.path("entries").size()
                  + " entries proven against the checkpoint of size "
                  + b.path("checkpoint").asText().split("\n")[1]);
      spec.commandLine().getOut().flush();
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "verify-bundle",
      description = "Check an evidence bundle offline against a key you trust.",
      mixinStandardHelpOptions = true)
  static final class VerifyBundle implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "FILE")
    Path file;

    @Option(
        names = "--key",
        required = true,
        paramLabel = "KEY",
        description = "The ledger's verifier key, or a file holding it.")
    String key;

    @Override
    public Integer call() throws IOException {
      if (!Files.isRegularFile(file)) {
        throw CliException.input("no such file: " + file);
      }
      NoteKey.Verifier verifier = key(key);
      switch (EvidenceBundle.verify(Files.readAllBytes(file), verifier)) {
        case EvidenceBundle.Result.Valid v -> {
          spec.commandLine()
              .getOut()
              .println(
                  "bundle verified: "
                      + v.entries().size()
                      + " entries are in the ledger "
                      + v.checkpoint().origin()
                      + " at size "
                      + v.checkpoint().size()
                      + ", root "
                      + Hashes.hex(v.checkpoint().root()));
          spec.commandLine().getOut().flush();
          return ExitCodes.OK;
        }
        case EvidenceBundle.Result.Invalid bad -> {
          spec.commandLine()
              .getErr()
              .println("bulwark: bundle verification FAILED: " + bad.reason());
          spec.commandLine().getErr().flush();
          return ExitCodes.CHECK_FAILED;
        }
      }
    }
  }

  @Calls("GET /api/v1/ledger/public-key")
  @Command(
      name = "public-key",
      description = "Print the ledger's verifier key, from a server or from a data directory.",
      mixinStandardHelpOptions = true)
  static final class PublicKey implements Callable<Integer> {
    @Mixin ClientOptions client;
    @Spec CommandSpec spec;

    @Option(
        names = "--data",
        paramLabel = "DIR",
        description = "Read the key file of this data directory instead of asking a server.")
    Path data;

    @Override
    public Integer call() throws IOException {
      String k;
      if (data != null) {
        Path file = data.resolve("ledger-signing.key");
        if (!Files.isRegularFile(file)) {
          throw CliException.input("no ledger key in " + data);
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
        if (lines.size() < 4) {
          throw CliException.input(file + " is not a ledger key file");
        }
        k =
            NoteKey.fromKeys(
                    lines.get(1),
                    java.util.Base64.getDecoder().decode(lines.get(2)),
                    java.util.Base64.getDecoder().decode(lines.get(3)))
                .verifier()
                .encoded();
      } else {
        k = client.client().getText("/api/v1/ledger/public-key").strip();
      }
      spec.commandLine().getOut().println(k);
      spec.commandLine().getOut().flush();
      return ExitCodes.OK;
    }
  }

  @Calls({
    "GET /api/v1/ledger/public-key",
    "GET /api/v1/ledger/checkpoint",
    "GET /api/v1/ledger/proofs/consistency"
  })
  @Command(
      name = "witness",
      description =
          "Accept the server's newest checkpoint only if it extends the last one accepted; exit 1 on a fork or a rollback.",
      mixinStandardHelpOptions = true)
  static final class WitnessCommand implements Callable<Integer> {
    @Mixin ClientOptions client;
    @Spec CommandSpec spec;

    @Option(
        names = "--state",
        required = true,
        paramLabel = "FILE",
        description =
            "Where the witness keeps the last checkpoint it accepted and the key it trusts.")
    Path state;

    @Option(
        names = "--key",
        paramLabel = "KEY",
        description =
            "The key to trust on first contact (default: the server's, trust on first use).")
    String key;

    @Override
    public Integer call() throws IOException {
      ApiClient api = client.client();
      Checkpoint last = null;
      NoteKey.Verifier verifier;
      if (Files.exists(state)) {
        JsonNode s;
        try {
          s = Json.MAPPER.readTree(Files.readAllBytes(state));
          verifier = NoteKey.Verifier.parse(s.path("key").asText());
          last = Checkpoint.parse(s.path("checkpoint").asText());
        } catch (IOException | IllegalArgumentException e) {
          throw CliException.input(state + " is not a witness state file: " + e.getMessage());
        }
      } else {
        verifier = serverKey(api, key, spec.commandLine().getErr());
      }
      String note = api.getText("/api/v1/ledger/checkpoint");
      List<byte[]> proof = new ArrayList<>();
      if (last != null
          && SignedNote.verify(note, verifier) instanceof SignedNote.Result.Valid v
          && v.checkpoint().size() > last.size()) {
        for (JsonNode h :
            api.get(
                    "/api/v1/ledger/proofs/consistency?from="
                        + last.size()
                        + "&to="
                        + v.checkpoint().size())
                .path("hashes")) {
          proof.add(serverHash(h.asText()));
        }
      }
      switch (Witness.check(last, note, verifier, proof)) {
        case Witness.Result.Accepted a -> {
          Map<String, Object> s = new LinkedHashMap<>();
          s.put("key", verifier.encoded());
          s.put("checkpoint", a.checkpoint().body());
          Path tmp = Files.createTempFile(state.toAbsolutePath().getParent(), ".witness", ".part");
          Files.write(tmp, Json.write(s));
          Files.move(
              tmp, state, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
          spec.commandLine()
              .getOut()
              .println(
                  "accepted "
                      + a.checkpoint().origin()
                      + " at size "
                      + a.checkpoint().size()
                      + (last == null ? " (first contact)" : " (from " + last.size() + ")"));
          spec.commandLine().getOut().flush();
          return ExitCodes.OK;
        }
        case Witness.Result.Refused r -> {
          spec.commandLine()
              .getErr()
              .println("bulwark: witness REFUSED the checkpoint (" + r.kind() + "): " + r.reason());
          spec.commandLine().getErr().flush();
          return ExitCodes.CHECK_FAILED;
        }
      }
    }
  }
}
