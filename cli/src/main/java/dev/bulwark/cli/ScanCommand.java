package dev.bulwark.cli;

import dev.bulwark.common.Sha256;
import dev.bulwark.vuln.match.AdvisoryIndex;
import dev.bulwark.vuln.match.PackageRef;
import dev.bulwark.vuln.match.ScanResult;
import dev.bulwark.vuln.match.Scanner;
import dev.bulwark.vuln.osv.OsvFormatException;
import dev.bulwark.vuln.osv.OsvLoader;
import dev.bulwark.vuln.osv.OsvSnapshot;
import dev.bulwark.vuln.osv.Severity;
import dev.bulwark.vuln.report.ScanReport;
import dev.bulwark.vuln.sbom.SbomFormatException;
import dev.bulwark.vuln.sbom.SbomParser;
import dev.bulwark.vuln.version.Ecosystem;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
      names = "--no-cache",
      description = "Read the advisory sources in full; neither use nor write a snapshot.")
  boolean noCache;

  @Option(
      names = "--cache-dir",
      paramLabel = "DIR",
      description =
          "Where advisory snapshots are kept (env BULWARK_CACHE_DIR, default ~/.cache/bulwark).")
  Path cacheDir;

  @Option(
      names = "--vex",
      paramLabel = "FILE",
      description =
          "CycloneDX VEX or OpenVEX document; findings it declares not_affected or fixed are left out of the report and of --fail-on, and listed as suppressed (repeatable).")
  List<Path> vex = new ArrayList<>();

  @Option(
      names = "--fail-on",
      paramLabel = "SEVERITY",
      description = "any, low, medium, high, critical or none (default none).")
  FailOn failOn = FailOn.none;

  @Override
  public Integer call() throws IOException {
    long t0 = System.nanoTime();
    osv = OsvFetcher.localSources(osv, cacheDir, spec.commandLine().getErr());
    // SBOMs first: a scan needs only the advisories that name their packages.
    List<dev.bulwark.vuln.sbom.Sbom> parsed = new ArrayList<>();
    java.util.Set<PackageRef> wanted = new java.util.HashSet<>();
    for (Path p : sboms) {
      try {
        dev.bulwark.vuln.sbom.Sbom sbom = SbomParser.parse(p);
        parsed.add(sbom);
        for (var c : sbom.components()) {
          if (c.purl() != null
              && PackageRef.fromPurl(c.purl()) instanceof PackageRef.Parsed.Ok ok) {
            wanted.add(ok.ref());
          }
        }
      } catch (SbomFormatException e) {
        throw CliException.input(e.getMessage());
      } catch (java.nio.file.NoSuchFileException e) {
        throw CliException.input("no such file: " + p);
      }
    }
    java.util.function.BiPredicate<String, String> exact =
        (ecosystem, name) ->
            Ecosystem.fromOsv(ecosystem)
                .map(e -> wanted.contains(PackageRef.of(e, name)))
                .orElse(false);
    AdvisoryIndex index;
    int read;
    try {
      Optional<OsvSnapshot.Selected> fromSnapshot =
          noCache ? Optional.empty() : snapshot(wanted, exact);
      if (fromSnapshot.isPresent()) {
        index = AdvisoryIndex.build(fromSnapshot.get().advisories(), fromSnapshot.get().links());
        read = fromSnapshot.get().records();
      } else {
        OsvLoader.Selection selection = OsvLoader.loadSelected(osv, exact);
        index = AdvisoryIndex.build(selection.advisories(), selection.links());
        read = selection.records();
      }
    } catch (OsvFormatException e) {
      throw CliException.input(e.getMessage());
    }
    Scanner scanner = new Scanner(index);
    VexFilter filter = VexFilter.read(vex);
    List<ScanReport.Scanned> scans = new ArrayList<>();
    for (int i = 0; i < sboms.size(); i++) {
      scans.add(
          new ScanReport.Scanned(
              sboms.get(i).toString(), filter.apply(scanner.scan(parsed.get(i)))));
    }
    long elapsed = (System.nanoTime() - t0) / 1_000_000;
    PrintWriter out = spec.commandLine().getOut();
    String version = new Main.Version().getVersion()[0].replace("bulwark ", "");
    switch (format) {
      case table -> {
        boolean colour = isTerminal() && System.getenv("NO_COLOR") == null;
        ScanReport.table(out, scans, colour);
      }
      case json -> {
        Map<String, Object> doc = new java.util.LinkedHashMap<>(ScanReport.json(scans, elapsed));
        if (!vex.isEmpty()) {
          doc.put("suppressed", filter.suppressed());
        }
        out.println(ScanReport.toJson(doc));
      }
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
            + read
            + " advisories, "
            + index.withdrawn()
            + " withdrawn, "
            + index.size()
            + " about these packages)"
            + (vex.isEmpty() ? "" : ", " + filter.suppressed().size() + " suppressed by VEX"));
    summaryOut.flush();
    return failed(scans) ? ExitCodes.CHECK_FAILED : ExitCodes.OK;
  }

  /**
   * A snapshot of the advisory sources, keyed by their paths, sizes and times: read when current,
   * written (after a full read) when missing or stale. A cold scan then parses only the records its
   * SBOMs need. Empty when no snapshot can be written (the caller reads the sources instead).
   */
  private Optional<OsvSnapshot.Selected> snapshot(
      java.util.Set<PackageRef> wanted, java.util.function.BiPredicate<String, String> exact)
      throws IOException, OsvFormatException {
    Path dir = cacheDir;
    if (dir == null) {
      String env = System.getenv("BULWARK_CACHE_DIR");
      String xdg = System.getenv("XDG_CACHE_HOME");
      dir =
          env != null && !env.isBlank()
              ? Path.of(env)
              : xdg != null && !xdg.isBlank()
                  ? Path.of(xdg, "bulwark")
                  : Path.of(System.getProperty("user.home"), ".cache", "bulwark");
    }
    String key = OsvSnapshot.keyOf(osv);
    String name = "osv-" + Sha256.hex(key).substring(0, 24) + ".snapshot";
    Path file = dir.resolve(name);
    java.util.Set<Long> hashes = new java.util.HashSet<>();
    for (PackageRef r : wanted) {
      hashes.add(OsvSnapshot.packageHash(r.ecosystem(), r.name()));
    }
    if (java.nio.file.Files.isRegularFile(file)) {
      Optional<OsvSnapshot.Selected> s = OsvSnapshot.read(file, hashes, exact);
      if (s.isPresent()) {
        return s;
      }
    }
    try {
      OsvSnapshot.write(osv, file);
    } catch (IOException e) {
      spec.commandLine()
          .getErr()
          .println(
              "bulwark: cannot write an advisory snapshot in "
                  + dir
                  + " ("
                  + e.getMessage()
                  + "); reading the sources in full");
      return Optional.empty();
    }
    return OsvSnapshot.read(file, hashes, exact);
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
