package dev.bulwark.cli;

import dev.bulwark.server.backup.Backups;
import dev.bulwark.server.db.Database;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "restore",
    description =
        "Restore a backup into a data directory. Refused while a server uses it; the replaced database is kept beside it.",
    mixinStandardHelpOptions = true)
final class RestoreCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "FILE")
  Path file;

  @Option(names = "--data", required = true, paramLabel = "DIR")
  Path data;

  @Override
  public Integer call() throws IOException {
    Path kept;
    try {
      kept = Backups.restore(file, data, Clock.systemUTC());
    } catch (Backups.NotABackup e) {
      throw CliException.input(e.getMessage());
    } catch (Database.DataDirInUseException e) {
      throw new CliException(
          ExitCodes.CHECK_FAILED, "refused: " + e.getMessage() + "; stop the server first");
    }
    var out = spec.commandLine().getOut();
    out.println(
        "restored "
            + file
            + " into "
            + data
            + (kept == null ? "" : "; the previous database is kept as " + kept));
    out.flush();
    return ExitCodes.OK;
  }
}
