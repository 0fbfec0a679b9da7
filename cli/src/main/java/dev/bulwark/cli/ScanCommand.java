package dev.bulwark.cli;

import dev.bulwark.vuln.match.AdvisoryIndex;
import dev.bulwark.vuln.match.ScanResult;
import dev.bulwark.vuln.match.Scanner;
import dev.bulwark.vuln.osv.Advisory;
import dev.bulwark.vuln.osv.OsvFormatException;
import dev.bulwark.vuln.osv.OsvLoader;
import dev.bulwark.vuln.osv.Severity;
import dev.bulwark.vuln.report.ScanReport;
import dev.bulwark.vuln.sbom.SbomFormatException;
import dev.bulwark.vuln.sbom.SbomParser;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "scan",
    description =
        "Scan SBOMs against OSV advisories, offline. Exit 1 when a finding is at or above --fail-on.",
    mixinStandardHelpOptions = true)
final class ScanCommand implements Callable<Integer> {
  enum Format {
    table,
    json,
    sarif,
    vdr
  }

  enum FailOn {
    any,
    low,
    medium,
    high,
    critical,
    none
  }

  @Spec CommandSpec spec;

  @Parameters(
      paramLabel = "SBOM",
      arity = "1..*",
      description = "CycloneDX JSON/XML or SPDX JSON files.")
  List<Path> sboms;

  @Option(
      names = "--osv",
      paramLabel = "PATH",
      required = true,
      description =
          "OSV export zip, directory of OSV records (JSON or YAML), or one record; repeatable.")
  List<Path> osv;

  @Option(names = "--format", description = "table, json, sarif or vdr (default table).")
  Format format = Format.table;

  @Option(
      names = "--fail-on",
      paramLabel = "SEVERITY",
      description = "any, low, medium, high, critical or none (default none).")
  FailOn failOn = FailOn.none;

  @Override
  public Integer call() throws IOException {
    long t0 = System.nanoTime();
    List<Advisory> advisories;
    try {
      advisories = OsvLoader.load(osv);
    } catch (OsvFormatException e) {
      throw CliException.input(e.getMessage());
    }
    AdvisoryIndex index = AdvisoryIndex.build(advisories);
    Scanner scanner = new Scanner(index);
    List<ScanReport.Scanned> scans = new ArrayList<>();
    for (Path p : sboms) {
      try {
        scans.add(new ScanReport.Scanned(p.toString(), scanner.scan(SbomParser.parse(p))));
      } catch (SbomFormatException e) {
        throw CliException.input(e.getMessage());
      } catch (java.nio.file.NoSuchFileException e) {
        throw CliException.input("no such file: " + p);
      }
    }
    long elapsed = (System.nanoTime() - t0) / 1_000_000;
    PrintWriter out = spec.commandLine().getOut();
    String version = new Main.Version().getVersion()[0].replace("bulwark ", "");
    switch (format) {
      case table -> {
        boolean colour = isTerminal() && System.getenv("NO_COLOR") == null;
        ScanReport.table(out, scans, colour);
      }
      case json -> out.println(ScanReport.toJson(ScanReport.json(scans, elapsed)));
      case sarif -> out.println(ScanReport.toJson(ScanReport.sarif(scans, version)));
      case vdr ->
          out.println(
              ScanReport.toJson(
                  ScanReport.vdr(scans, version, Instant.now(), java.util.UUID.randomUUID())));
    }
    out.flush();
    // The summary goes to stderr for machine formats, so stdout stays a valid document.
    PrintWriter summaryOut = format == Format.table ? out : spec.commandLine().getErr();
    summaryOut.println(
        ScanReport.summary(scans, elapsed)
            + " ("
            + index.size()
            + " advisories, "
            + index.withdrawn()
            + " withdrawn)");
    summaryOut.flush();
    return failed(scans) ? ExitCodes.CHECK_FAILED : ExitCodes.OK;
  }

  /**
   * JDK 22+ returns a console even when output is redirected and adds {@code isTerminal()}; on JDK
   * 21 a non-null console already means a terminal. Called reflectively: we compile for 21.
   */
  static boolean isTerminal() {
    java.io.Console c = System.console();
    if (c == null) {
      return false;
    }
    try {
      return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(c);
    } catch (ReflectiveOperationException e) {
      return true;
    }
  }

  private boolean failed(List<ScanReport.Scanned> scans) {
    if (failOn == FailOn.none) {
      return false;
    }
    for (ScanReport.Scanned s : scans) {
      for (ScanResult.VulnerableComponent v : s.result().vulnerable()) {
        for (ScanResult.Finding f : v.findings()) {
          Severity.Level l = f.severity().level();
          boolean hit =
              switch (failOn) {
                case any -> true;
                case low -> l.compareTo(Severity.Level.LOW) >= 0;
                case medium -> l.compareTo(Severity.Level.MEDIUM) >= 0;
                case high -> l.compareTo(Severity.Level.HIGH) >= 0;
                case critical -> l == Severity.Level.CRITICAL;
                case none -> false;
              };
          if (hit) {
            return true;
          }
        }
      }
    }
    return false;
  }
}
