package dev.bulwark.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.server.http.Json;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/**
 * Reads the files a user names, answering one line that names the file and the problem (exit 4)
 * when it is missing, a directory, unreadable, empty or not in the format expected.
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
      throw CliException.input(describe(e));
    }
    return file;
  }

  /** Checks that {@code dir} is a readable directory (a policy bundle, a data directory). */
  static Path checkDirectory(Path dir) {
    if (!Files.exists(dir)) {
      throw CliException.input(dir + ": no such directory");
    }
    if (!Files.isDirectory(dir)) {
      throw CliException.input(dir + ": is a file, expected a directory");
    }
    if (!Files.isReadable(dir) || !Files.isExecutable(dir)) {
      throw CliException.input(dir + ": cannot be read (permission denied)");
    }
    return dir;
  }

  /** The whole file, after {@link #check}. */
  static byte[] read(Path file) {
    check(file);
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw CliException.input(describe(e));
    }
  }

  /** The whole file as UTF-8 text, after {@link #check}. */
  static String readString(Path file) {
    return new String(read(file), java.nio.charset.StandardCharsets.UTF_8);
  }

  /**
   * The whole file, checked to be one JSON document ({@code what} names the document expected), so
   * that a wrong file is named here with its line and column rather than refused by the server
   * without its name.
   */
  static byte[] readJson(Path file, String what) {
    byte[] body = read(file);
    parseJson(file, body, what);
    return body;
  }

  static JsonNode parseJson(Path file, byte[] body, String what) {
    try {
      JsonNode n = Json.MAPPER.readTree(body);
      if (n == null || !n.isObject()) {
        throw CliException.input(file + ": not " + what + " (a JSON object was expected)");
      }
      return n;
    } catch (JsonProcessingException e) {
      var at = e.getLocation();
      throw CliException.input(
          file
              + ": not "
              + what
              + " (not JSON"
              + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr())
              + ")");
    } catch (IOException e) {
      throw CliException.input(describe(e));
    }
  }

  /** One line for a file system failure: the file and the problem, without a Java class name. */
  static String describe(IOException e) {
    if (e instanceof FileSystemException f && f.getFile() != null) {
      String problem =
          switch (f) {
            case NoSuchFileException n -> "no such file or directory";
            case AccessDeniedException a -> "permission denied";
            case NotDirectoryException n -> "not a directory";
            default ->
                f.getReason() != null ? f.getReason() : f.getClass().getSimpleName().toLowerCase();
          };
      return f.getFile() + ": " + problem;
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
