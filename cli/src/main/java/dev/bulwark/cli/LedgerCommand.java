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
    Path p = null;
    try {
      p = Path.of(keyOrFile);
    } catch (java.nio.file.InvalidPathException e) {
      // not a path: the key itself
    }
    if (p != null && Files.exists(p)) {
      String text = InputFiles.readString(p).strip();
      try {
        return NoteKey.Verifier.parse(text);
      } catch (IllegalArgumentException e) {
        throw CliException.input(
            p + ": not a ledger verifier key (name+keyid+key): " + e.getMessage());
      }
    }
    try {
      return NoteKey.Verifier.parse(keyOrFile);
    } catch (IllegalArgumentException e) {
      throw CliException.input(
          "--key is neither a ledger verifier key (name+keyid+key) nor an existing file: "
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

  static NoteKey.Verifier serverKey(ApiClient api, String pinned, OutputOptions output) {
    if (pinned != null) {
      return key(pinned);
    }
    String text = api.getText("/api/v1/ledger/public-key").strip();
    NoteKey.Verifier k;
    try {
      k = NoteKey.Verifier.parse(text);
    } catch (IllegalArgumentException e) {
      throw new CliException(
          ExitCodes.SERVER, "the server's public key is not a verifier key: " + e.getMessage());
    }
    output.notice("trusting the server's own key " + k.encoded() + "; pin it with --key");
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
      NoteKey.Verifier verifier = serverKey(api, key, client.output);
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
          result(
              client.output,
              out,
              "ledger verified: "
                  + v.size()
                  + " entries, "
                  + v.checkpoints()
                  + " signed checkpoints consistent with them, "
                  + v.unsigned()
                  + " entries after the last checkpoint",
              Map.of(
                  "verified",
                  true,
                  "entries",
                  v.size(),
                  "checkpoints",
                  v.checkpoints(),
                  "unsigned",
                  v.unsigned()));
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
          if (client.output.json()) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("verified", false);
            r.put("firstBadIndex", bad.firstBadIndex());
            r.put("reason", bad.reason());
            client.output.writeJson(out, r);
          }
          return ExitCodes.CHECK_FAILED;
        }
      }
    }
  }

  /** A one-line result as text, or the same as a JSON object with {@code --format json}. */
  static void result(OutputOptions o, PrintWriter out, String line, Map<String, Object> json) {
    if (o.json()) {
      o.writeJson(out, json);
    } else {
      o.write(out, w -> w.println(line));
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
      JsonNode b;
      try {
        b = Json.MAPPER.readTree(bundle);
      } catch (IOException e) {
        throw new CliException(ExitCodes.SERVER, "the server sent a bundle that is not JSON");
      }
      client.output.write(
          spec.commandLine().getOut(), w -> w.print(new String(bundle, StandardCharsets.UTF_8)));
      String[] checkpoint = b.path("checkpoint").asText().split("\n");
      client.output.notice(
          "wrote "
              + out
              + ": "
              + b.path("entries").size()
              + " entries proven against the checkpoint of size "
              + (checkpoint.length > 1 ? checkpoint[1] : "?"));
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "verify-bundle",
      description = "Check an evidence bundle offline against a key you trust.",
      mixinStandardHelpOptions = true)
  static final class VerifyBundle implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin OutputOptions output;

    @Parameters(paramLabel = "FILE")
    Path file;

    @Option(
        names = "--key",
        required = true,
        paramLabel = "KEY",
        description = "The ledger's verifier key, or a file holding it.")
    String key;

    @Override
    public Integer call() {
      // A file that is not an evidence bundle at all is an input error (4); a bundle that does
      // not verify is a failed check (1).
      byte[] body = InputFiles.readJson(file, "an evidence bundle");
      NoteKey.Verifier verifier = key(key);
      switch (EvidenceBundle.verify(body, verifier)) {
        case EvidenceBundle.Result.Valid v -> {
          result(
              output,
              spec.commandLine().getOut(),
              "bundle verified: "
                  + v.entries().size()
                  + " entries are in the ledger "
                  + v.checkpoint().origin()
                  + " at size "
                  + v.checkpoint().size()
                  + ", root "
                  + Hashes.hex(v.checkpoint().root()),
              Map.of(
                  "verified",
                  true,
                  "entries",
                  v.entries().size(),
                  "origin",
                  v.checkpoint().origin(),
                  "size",
                  v.checkpoint().size(),
                  "root",
                  Hashes.hex(v.checkpoint().root())));
          return ExitCodes.OK;
        }
        case EvidenceBundle.Result.Invalid bad -> {
          spec.commandLine()
              .getErr()
              .println("bulwark: bundle verification FAILED: " + bad.reason());
          spec.commandLine().getErr().flush();
          if (output.json()) {
            output.writeJson(
                spec.commandLine().getOut(), Map.of("verified", false, "reason", bad.reason()));
          }
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
    public Integer call() {
      String k;
      if (data != null) {
        Path file = InputFiles.checkDirectory(data).resolve("ledger-signing.key");
        if (!Files.exists(file)) {
          throw CliException.input(data + ": no ledger key in this data directory");
        }
        List<String> lines = InputFiles.readString(file).lines().toList();
        try {
          if (lines.size() < 4) {
            throw new IllegalArgumentException("too few lines");
          }
          k =
              NoteKey.fromKeys(
                      lines.get(1),
                      java.util.Base64.getDecoder().decode(lines.get(2)),
                      java.util.Base64.getDecoder().decode(lines.get(3)))
                  .verifier()
                  .encoded();
        } catch (IllegalArgumentException e) {
          throw CliException.input(file + ": not a ledger key file (" + e.getMessage() + ")");
        }
      } else {
        k = client.client().getText("/api/v1/ledger/public-key").strip();
      }
      String key = k;
      result(client.output, spec.commandLine().getOut(), key, Map.of("key", key));
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
      // A missing state file is the first contact; anything else at that path must be one.
      if (Files.exists(state) || Files.isSymbolicLink(state)) {
        JsonNode s = InputFiles.parseJson(state, InputFiles.read(state), "a witness state file");
        try {
          verifier = NoteKey.Verifier.parse(s.path("key").asText());
          last = Checkpoint.parse(s.path("checkpoint").asText());
        } catch (IllegalArgumentException e) {
          throw CliException.input(state + ": not a witness state file (" + e.getMessage() + ")");
        }
      } else {
        verifier = serverKey(api, key, client.output);
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
          try {
            Files.write(tmp, Json.write(s));
            Files.move(
                tmp, state, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
          } finally {
            Files.deleteIfExists(tmp);
          }
          Map<String, Object> json = new LinkedHashMap<>();
          json.put("accepted", true);
          json.put("origin", a.checkpoint().origin());
          json.put("size", a.checkpoint().size());
          json.put("from", last == null ? null : last.size());
          result(
              client.output,
              spec.commandLine().getOut(),
              "accepted "
                  + a.checkpoint().origin()
                  + " at size "
                  + a.checkpoint().size()
                  + (last == null ? " (first contact)" : " (from " + last.size() + ")"),
              json);
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
