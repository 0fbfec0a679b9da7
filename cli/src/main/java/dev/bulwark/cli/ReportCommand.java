package dev.bulwark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.server.http.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "report",
    description = "Reports for auditors, rendered by the server.",
    mixinStandardHelpOptions = true,
    subcommands = {ReportCommand.Evidence.class})
final class ReportCommand {
  private ReportCommand() {}

  @Calls({"GET /api/v1/reports/evidence", "GET /api/v1/ledger/export"})
  @Command(
      name = "evidence",
      description =
          "Change evidence for an auditor: the production deployments of a period and a sample"
              + " drawn with your seed, each with its approvals, gate decision, waivers, tests,"
              + " provenance and ledger proofs; JSON, an HTML page or a PDF (by --format or the"
              + " extension of -o). Needs the audit permission (auditor, security, admin).",
      mixinStandardHelpOptions = true)
  static final class Evidence implements Callable<Integer> {
    @Mixin ClientOptions client;
    @Spec CommandSpec spec;

    @Option(
        names = "--from",
        required = true,
        paramLabel = "DAY",
        description = "First day (YYYY-MM-DD, UTC).")
    String from;

    @Option(
        names = "--to",
        required = true,
        paramLabel = "DAY",
        description = "Last day, included (YYYY-MM-DD, UTC).")
    String to;

    @Option(
        names = {"--environment", "--env"},
        paramLabel = "ENV",
        description = "The environment (default prod).")
    String environment;

    @Option(names = "--sample", paramLabel = "N", description = "How many changes to sample.")
    Integer sample;

    @Option(names = "--seed", paramLabel = "SEED", description = "Your seed for the sample.")
    String seed;

    @Option(
        names = "--bundle",
        paramLabel = "FILE",
        description =
            "Also write the offline evidence bundle of the period's ledger entries (as bulwark"
                + " ledger export; needs the ledger permission) to FILE.")
    Path bundle;

    @Override
    public Integer call() {
      day(from, "--from");
      day(to, "--to");
      if (sample != null && sample > 0 && seed == null) {
        throw new CliException(ExitCodes.USAGE, "--sample needs --seed (the auditor's seed)");
      }
      String format = format();
      String path =
          "/api/v1/reports/evidence"
              + new Query()
                  .add("from", from)
                  .add("to", to)
                  .add("environment", environment)
                  .add("sample", sample)
                  .add("seed", seed)
                  .add("format", format);
      ApiClient api = client.client();
      byte[] body =
          api.getBytes(
              path,
              switch (format) {
                case "pdf" -> "application/pdf";
                case "html" -> "text/html";
                default -> "application/json";
              });
      if (format.equals("pdf")) {
        client.output.writeBytes(body);
      } else {
        client.output.write(
            spec.commandLine().getOut(), w -> w.print(new String(body, StandardCharsets.UTF_8)));
      }
      if (client.output.file() != null) {
        client.output.notice("wrote " + client.output.file() + " (" + format + ")");
      }
      if (bundle != null) {
        writeBundle(api);
      }
      return ExitCodes.OK;
    }

    /** The format asked for, else the one the file's extension names, else JSON. */
    private String format() {
      if (client.output.format != null) {
        return client.output.format("json", "html", "pdf");
      }
      Path f = client.output.file();
      String name = f == null ? "" : f.getFileName().toString().toLowerCase(Locale.ROOT);
      if (name.endsWith(".pdf")) {
        return "pdf";
      }
      if (name.endsWith(".html") || name.endsWith(".htm")) {
        return "html";
      }
      return "json";
    }

    private void writeBundle(ApiClient api) {
      String until = LocalDate.parse(to).plusDays(1) + "T00:00:00Z";
      byte[] b =
          api.getBytes(
              "/api/v1/ledger/export"
                  + new Query().add("since", from + "T00:00:00Z").add("until", until));
      JsonNode parsed;
      try {
        parsed = Json.MAPPER.readTree(b);
      } catch (IOException e) {
        throw new CliException(ExitCodes.SERVER, "the server sent a bundle that is not JSON");
      }
      try {
        Path tmp =
            Files.createTempFile(
                bundle.toAbsolutePath().getParent(), "." + bundle.getFileName(), ".tmp");
        Files.write(tmp, b);
        Files.move(tmp, bundle, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      } catch (IOException e) {
        throw CliException.input(bundle + ": cannot be written (" + e.getMessage() + ")");
      }
      client.output.notice(
          "wrote " + bundle + ": " + parsed.path("entries").size() + " ledger entries with proofs");
    }

    private static void day(String value, String option) {
      try {
        LocalDate.parse(value);
      } catch (DateTimeParseException e) {
        throw new CliException(ExitCodes.USAGE, option + " must be a day YYYY-MM-DD: " + value);
      }
    }
  }
}
