package dev.bulwark.cli;

import dev.bulwark.server.backup.Backups;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Calls("POST /api/v1/backup")
@Command(
    name = "backup",
    description = "Download a consistent copy of a running server's embedded database (admin).",
    mixinStandardHelpOptions = true)
final class BackupCommand implements Callable<Integer> {
  @Mixin ClientOptions client;
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    Path out = client.output.requiredFile();
    if (Files.exists(out)) {
      throw CliException.input(out + " exists; choose a new file name");
    }
    Path parent = out.toAbsolutePath().getParent();
    Path partial = Files.createTempFile(parent, ".bulwark-backup", ".part");
    try {
      try (InputStream in = client.client().download("/api/v1/backup")) {
        Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
      }
      try {
        Backups.verify(partial);
      } catch (Backups.NotABackup e) {
        throw new CliException(
            ExitCodes.SERVER, "the server sent a damaged backup: " + e.getMessage());
      }
      Files.move(partial, out, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(partial);
    }
    spec.commandLine()
        .getOut()
        .println("backup written to " + out + " (" + Files.size(out) + " bytes)");
    spec.commandLine().getOut().flush();
    return ExitCodes.OK;
  }
}
