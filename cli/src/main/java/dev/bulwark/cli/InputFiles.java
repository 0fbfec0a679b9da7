package dev.bulwark.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads the files a user names, answering one line that names the file and the problem (exit 4)
 * when it is missing, a directory, unreadable or empty; a wrong format is the parser's to report.
 */
final class InputFiles {
  private InputFiles() {}

  /** Checks that {@code file} is a readable, non-empty regular file, for commands that stream. */
  static Path check(Path file) {
    if (!Files.exists(file)) {
      throw CliException.input(file + ": no such file");
    }
    if (Files.isDirectory(file)) {
      throw CliException.input(file + ": is a directory, expected a file");
    }
    if (!Files.isReadable(file)) {
      throw CliException.input(file + ": cannot be read (permission denied)");
    }
    try {
      if (Files.size(file) == 0) {
        throw CliException.input(file + ": is empty");
      }
    } catch (IOException e) {
      throw CliException.input(file + ": cannot be read (" + e.getMessage() + ")");
    }
    return file;
  }

  /** The whole file, after {@link #check}. */
  static byte[] read(Path file) {
    check(file);
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw CliException.input(file + ": no such file");
    } catch (AccessDeniedException e) {
      throw CliException.input(file + ": cannot be read (permission denied)");
    } catch (IOException e) {
      throw CliException.input(file + ": cannot be read (" + e.getMessage() + ")");
    }
  }

  /** The whole file as UTF-8 text, after {@link #check}. */
  static String readString(Path file) {
    return new String(read(file), java.nio.charset.StandardCharsets.UTF_8);
  }
}
