package dev.bulwark.cli;

import dev.bulwark.server.backup.Backups;
import dev.bulwark.server.db.Database;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "restore",
    description =
        "Restore a backup into a new data directory: the database and the key files, all checked first (checksums, the database, the ledger key against the ledger's checkpoints). Refused while a server uses the directory, or when it is not empty unless --replace.",
    mixinStandardHelpOptions = true)
final class RestoreCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "FILE", description = "A backup archive (or a bare database).")
  Path file;

  @Option(names = "--data", required = true, paramLabel = "DIR")
  Path data;

  @Option(
      names = "--key",
      paramLabel = "FILE",
      description =
          "The ledger key file, for a backup taken --without-key (checked against the checkpoints).")
  Path key;

  @Option(
      names = "--ledger-key-file",
      paramLabel = "FILE",
      description =
          "Where the ledger key goes, if the server sets ledger.keyFile (default DIR/ledger-signing.key); webhook-secrets.key goes beside it.")
  Path ledgerKeyFile;

  @Option(
      names = "--replace",
      description =
          "Restore into a directory that holds data: what is replaced is kept beside it as *.before-restore-TIME.")
  boolean replace;

  @Override
  public Integer call() throws IOException {
    if (key != null) {
      InputFiles.check(key);
    }
    InputFiles.check(file);
    Backups.Restored restored;
    try {
      restored =
          Backups.restore(
              new Backups.RestoreRequest(
                  file, data, ledgerKeyFile, Optional.ofNullable(key), replace),
              Clock.systemUTC());
    } catch (Backups.NotABackup e) {
      throw CliException.input(e.getMessage());
    } catch (Backups.Refused e) {
      throw new CliException(ExitCodes.CHECK_FAILED, e.getMessage());
    } catch (Database.DataDirInUseException e) {
      throw new CliException(
          ExitCodes.CHECK_FAILED, "refused: " + e.getMessage() + "; stop the server first");
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println(
        "restored "
            + file
            + " into "
            + data
            + " ("
            + restored.ledgerEntries()
            + " ledger entries"
            + (restored.ledgerKeyWritten() ? ", the ledger signing key" : "")
            + (restored.webhookKeyWritten() ? ", the webhook secrets key" : "")
            + ")"
            + (restored.keptAside().isEmpty()
                ? ""
                : "; what it replaced is kept as " + restored.keptAside()));
    out.flush();
    if (!restored.webhookKeyWritten()) {
      PrintWriter err = spec.commandLine().getErr();
      err.println(
          "bulwark: warning: the backup holds no webhook-secrets.key: put the old one beside the"
              + " ledger key, or the restored webhooks cannot sign (deliveries logged"
              + " secret-unreadable)");
      err.flush();
    }
    return ExitCodes.OK;
  }
}
