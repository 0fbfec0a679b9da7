package dev.bulwark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.vuln.version.Ecosystem;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "advisories",
    description =
        "The server's OSV advisories, and OSV's public exports to load into it or scan with.",
    mixinStandardHelpOptions = true,
    subcommands = {AdvisoriesCommand.Sync.class, AdvisoriesCommand.Fetch.class})
final class AdvisoriesCommand {

  @Calls("POST /api/v1/advisories/sync")
  @Command(
      name = "sync",
      description =
          "Reload the server's OSV sources now and re-evaluate the releases the changed advisories touch.",
      mixinStandardHelpOptions = true)
  static final class Sync implements Callable<Integer> {
    @Mixin ClientOptions client;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      JsonNode r = client.client().post("/api/v1/advisories/sync", Map.of());
      Printer.print(
          spec.commandLine().getOut(),
          client.output,
          r,
          null,
          "advisories",
          "changed",
          "packages",
          "releases",
          "added",
          "closed",
          "loadMillis",
          "reevaluateMillis");
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "fetch",
      description =
          "Download OSV's public per-ecosystem exports (<mirror>/<ECOSYSTEM>/all.zip) into a directory, for scan --osv or the server's osv sources. Conditional GET: an unchanged export is kept (\"unchanged\"). Each file is checked as a zip of OSV records, written whole or not at all, with its SHA-256 beside it (FILE.sha256).",
      mixinStandardHelpOptions = true)
  static final class Fetch implements Callable<Integer> {
    @Mixin OutputOptions output;
    @Spec CommandSpec spec;

    @Option(
        names = "--ecosystem",
        required = true,
        split = ",",
        paramLabel = "ECOSYSTEM",
        description =
            "OSV ecosystem names, comma-separated or repeated: Go, npm, Maven, PyPI, crates.io, RubyGems, NuGet, Packagist, Debian:12, ... (OSV's spelling; the ecosystems Bulwark matches are accepted in any case).")
    List<String> ecosystems;

    @Option(
        names = "--mirror",
        paramLabel = "URL",
        description =
            "Base URL of the exports (env BULWARK_OSV_MIRROR, default "
                + OsvFetcher.OSV_BASE
                + ").")
    String mirror;

    @Override
    public Integer call() throws java.io.IOException {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      output.warnDeprecated(err);
      Path dir = output.file();
      if (dir == null) {
        throw new CliException(
            ExitCodes.USAGE, "Missing required option: '-o, --output=DIR' (the directory to fill)");
      }
      if (Files.exists(dir) && !Files.isDirectory(dir)) {
        throw CliException.input(dir + ": is a file; --output names a directory here");
      }
      try {
        Files.createDirectories(dir);
      } catch (java.io.IOException e) {
        throw CliException.input(dir + ": cannot be created (" + e.getMessage() + ")");
      }
      String base = OsvFetcher.base(mirror);
      OsvFetcher fetcher = new OsvFetcher(err, output.quiet);
      boolean json = output.json();
      List<Map<String, Object>> rows = new ArrayList<>();
      for (String raw : ecosystems) {
        String name = canonical(raw.strip());
        if (name.isEmpty()) {
          throw new CliException(ExitCodes.USAGE, "--ecosystem: an empty name");
        }
        long t0 = System.nanoTime();
        OsvFetcher.Fetched f;
        try {
          f =
              fetcher.fetch(
                  OsvFetcher.exportUrl(base, name), dir.resolve(OsvFetcher.fileName(name)), name);
        } catch (OsvFetcher.NotFound e) {
          List<String> listed = fetcher.listedEcosystems(base);
          throw CliException.input(
              e.getMessage()
                  + "; "
                  + (listed.isEmpty()
                      ? "the mirror lists no ecosystems.txt; OSV spells the ecosystems Bulwark"
                          + " matches "
                          + known()
                      : "the ecosystems there: " + String.join(", ", listed))
                  + " (names are case-sensitive)");
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("ecosystem", name);
        row.put(
            "outcome", f.outcome() == OsvFetcher.Outcome.DOWNLOADED ? "downloaded" : "unchanged");
        row.put("file", f.file().toString());
        row.put("bytes", f.bytes());
        row.put("records", f.records());
        row.put("sha256", f.sha256());
        row.put("url", f.url().toString());
        row.put("millis", ms);
        rows.add(row);
        if (!json) {
          out.println(
              name
                  + ": "
                  + row.get("outcome")
                  + ", "
                  + f.file()
                  + " ("
                  + f.bytes()
                  + " bytes, "
                  + f.records()
                  + " records, sha256 "
                  + f.sha256()
                  + ")");
          out.flush();
        }
      }
      if (json) {
        out.println(
            dev.bulwark.server.http.Json.MAPPER.writeValueAsString(Map.of("fetched", rows)));
        out.flush();
      }
      return ExitCodes.OK;
    }

    /** OSV's spelling of an ecosystem Bulwark knows, whatever its case; other names as given. */
    static String canonical(String name) {
      for (Ecosystem e : Ecosystem.values()) {
        if (e.osvName().equalsIgnoreCase(name)) {
          return e.osvName();
        }
      }
      return name;
    }

    static String known() {
      List<String> names = new ArrayList<>();
      for (Ecosystem e : Ecosystem.values()) {
        names.add(e.osvName());
      }
      return String.join(", ", names);
    }
  }
}
