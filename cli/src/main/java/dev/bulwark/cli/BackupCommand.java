package dev.bulwark.cli;

import dev.bulwark.server.backup.BackupArchive;
import dev.bulwark.server.backup.Backups;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Calls("POST /api/v1/backup")
@Command(
    name = "backup",
    description =
        "Download a backup archive of a running server's embedded database with the ledger signing key and the webhook secrets key (admin). The file is written mode 0600: store it as you store the key. PostgreSQL: docs/backup.md.",
    mixinStandardHelpOptions = true)
final class BackupCommand implements Callable<Integer> {
  @Mixin ClientOptions client;
  @Spec CommandSpec spec;

  @Option(
      names = "--without-key",
      description =
          "Leave the key files out. A restore then needs the ledger key file from elsewhere (restore --key), or the ledger's checkpoints will not verify.")
  boolean withoutKey;

  @Override
  public Integer call() throws IOException {
    Path out = client.output.requiredFile();
    if (Files.exists(out)) {
      throw CliException.input(out + " exists; choose a new file name");
    }
    Path parent = out.toAbsolutePath().getParent();
    if (!Files.isDirectory(parent)) {
      throw CliException.input(out + ": cannot be written (no such directory)");
    }
    // Created 0600 before the first byte, written in place (a copy that replaces the file would
    // make a new one with the umask's mode), and moved, which keeps the mode.
    Path partial = parent.resolve("." + out.getFileName() + "." + UUID.randomUUID() + ".part");
    BackupArchive.createPrivate(partial);
    BackupArchive.Manifest manifest;
    try {
      try (InputStream in =
          client.client().download("/api/v1/backup?keys=" + (withoutKey ? "omit" : "include"))) {
        try (OutputStream file =
            Files.newOutputStream(
                partial, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
          in.transferTo(file);
        }
      }
      try {
        manifest = Backups.check(partial);
      } catch (Backups.NotABackup e) {
        throw new CliException(
            ExitCodes.SERVER, "the server sent a damaged backup: " + e.getMessage());
      }
      if (!withoutKey && !manifest.hasLedgerKey()) {
        throw new CliException(
            ExitCodes.SERVER,
            "the server sent a backup without the ledger signing key (an older server?); add"
                + " --without-key to keep it anyway, and keep the key file yourself");
      }
      Files.move(partial, out, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(partial);
    }
    PrintWriter stdout = spec.commandLine().getOut();
    stdout.println(
        "backup written to "
            + out
            + " ("
            + Files.size(out)
            + " bytes, mode 0600, "
            + manifest.ledgerEntries()
            + " ledger entries"
            + (manifest.hasLedgerKey() ? ", with the ledger signing key" : "")
            + ")");
    stdout.flush();
    PrintWriter err = spec.commandLine().getErr();
    if (manifest.hasLedgerKey()) {
      if (!client.output.quiet) {
        err.println(
            "bulwark: the backup holds the ledger signing key: store it as you store that key");
      }
    } else {
      err.println(
          "bulwark: warning: the backup holds no keys: a restore needs the ledger key file"
              + (manifest.ledgerKeyId() == null ? "" : " (key id " + manifest.ledgerKeyId() + ")")
              + " from elsewhere (restore --key FILE), or the ledger's checkpoints will not"
              + " verify; without webhook-secrets.key the restored webhooks cannot sign");
    }
    err.flush();
    return ExitCodes.OK;
  }
}
