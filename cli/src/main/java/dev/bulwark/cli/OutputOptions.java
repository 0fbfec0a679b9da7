package dev.bulwark.cli;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The output convention every command follows (docs/cli.md), as trivy, grype and osv-scanner spell
 * it: {@code --format} names the format, {@code -o, --output FILE} a file to write instead of
 * standard output, {@code -q, --quiet} drops what is not the result.
 *
 * <p>Until this release {@code --output} named the format and {@code --out} the file. For one
 * release both keep working with a warning: {@code --output table|json|...} whose value is a format
 * name and not an existing file is read as the format.
 */
final class OutputOptions {
  private static final Set<String> FORMAT_NAMES =
      Set.of("table", "json", "sarif", "vdr", "markdown", "html", "pdf", "openvex", "cyclonedx");

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      description = "Output format: table or json (default table); some commands offer more.")
  String format;

  @Spec(Spec.Target.MIXEE)
  CommandSpec mixee;

  private Path file;
  private final List<String> deprecations = new ArrayList<>();

  @Option(
      names = {"-q", "--quiet"},
      description = "Quiet: print only the result (no progress, no summary lines on stderr).")
  boolean quiet;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FILE",
      description = "Write the result to FILE instead of standard output.")
  void output(String value) {
    if (FORMAT_NAMES.contains(value.toLowerCase(Locale.ROOT)) && !Files.exists(Path.of(value))) {
      deprecations.add(
          "--output "
              + value
              + " is deprecated: --output now names a file; use --format "
              + value
              + " (this spelling goes in the next release)");
      if (format == null) {
        format = value.toLowerCase(Locale.ROOT);
      }
      return;
    }
    file = Path.of(value);
  }

  @Option(names = "--out", paramLabel = "FILE", hidden = true)
  void out(Path value) {
    deprecations.add("--out is deprecated: use -o/--output FILE (--out goes in the next release)");
    file = value;
  }

  /** The chosen format, one of {@code allowed}; the first is the default. */
  String format(String... allowed) {
    String f = format == null ? allowed[0] : format.toLowerCase(Locale.ROOT);
    for (String a : allowed) {
      if (a.equals(f)) {
        return f;
      }
    }
    throw new CliException(
        ExitCodes.USAGE,
        "--format " + format + " is not offered here; choose one of " + String.join(", ", allowed));
  }

  /** Whether the result is to be JSON (the common case of {@code format("table", "json")}). */
  boolean json() {
    return "json".equals(format("table", "json"));
  }

  /** Whether {@code --quiet} was given: only the result is printed. */
  boolean quiet() {
    return quiet;
  }

  /** A line that is not the result (a notice, a summary): on stderr, unless {@code --quiet}. */
  void notice(String line) {
    if (!quiet) {
      PrintWriter err = err();
      err.println("bulwark: " + line);
      err.flush();
    }
  }

  /** Whether the result may be coloured: it goes to standard output and that is a terminal. */
  boolean colour() {
    return file == null && Terminal.colour();
  }

  /** Pretty JSON of {@code value}, to the file of {@code -o} or to {@code stdout}. */
  void writeJson(PrintWriter stdout, Object value) {
    write(stdout, w -> w.println(Printer.pretty(value)));
  }

  /** The file to write, or null for standard output. */
  Path file() {
    return file;
  }

  /** Standard error of the command this is mixed into. */
  PrintWriter err() {
    CommandSpec s = mixee;
    while (s != null && s.commandLine() == null) {
      s = s.parent();
    }
    return s == null ? new PrintWriter(System.err, true) : s.commandLine().getErr();
  }

  /** The file to write, for commands whose result is a file (a bundle, a backup). */
  Path requiredFile() {
    warnDeprecated(err());
    if (file == null) {
      throw new CliException(ExitCodes.USAGE, "Missing required option: '-o, --output=FILE'");
    }
    return file;
  }

  /** Prints the deprecation warnings of the spellings used, once. */
  void warnDeprecated(PrintWriter err) {
    for (String d : deprecations) {
      err.println("bulwark: warning: " + d);
    }
    deprecations.clear();
    err.flush();
  }

  /**
   * Writes the result to the file given, or to {@code stdout}. A file is written whole or not at
   * all: to a temporary file beside it, then moved over it, so a failure leaves no half file.
   */
  void write(PrintWriter stdout, Consumer<PrintWriter> body) {
    warnDeprecated(err());
    if (file == null) {
      body.accept(stdout);
      stdout.flush();
      return;
    }
    atomically(
        out -> {
          PrintWriter w = new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
          body.accept(w);
          w.flush();
          if (w.checkError()) {
            throw new UncheckedIOException(new IOException("write failed"));
          }
        });
  }

  /** Writes bytes (a PDF) to the file of {@code -o}, whole or not at all; a file is required. */
  void writeBytes(byte[] bytes) {
    requiredFile();
    atomically(
        out -> {
          try {
            out.write(bytes);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }

  /**
   * To a temporary file beside the target, then moved over it, so a failure leaves no half file.
   */
  private void atomically(Consumer<java.io.OutputStream> body) {
    Path target = file.toAbsolutePath();
    if (Files.isDirectory(target)) {
      throw CliException.input(file + ": is a directory; --output names a file");
    }
    Path dir = target.getParent();
    Path tmp = null;
    try {
      tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
      try (java.io.OutputStream out = Files.newOutputStream(tmp)) {
        body.accept(out);
      }
      try {
        Files.move(
            tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      tmp = null;
    } catch (IOException | UncheckedIOException e) {
      throw CliException.input(file + ": cannot be written (" + reason(e) + ")");
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // the temporary file is left; the error above is what the user needs
        }
      }
    }
  }

  private static String reason(Exception e) {
    Throwable c = e instanceof UncheckedIOException u ? u.getCause() : e;
    if (c instanceof java.nio.file.NoSuchFileException) {
      return "no such directory";
    }
    if (c instanceof java.nio.file.AccessDeniedException) {
      return "permission denied";
    }
    return c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
  }
}
