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
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "scan",
    description =
        "Scan SBOMs against OSV advisories, offline. Exit 1 when a finding is at or above --fail-on"
            + " (findings of unknown severity count as failing unless --unknown-severity says"
            + " otherwise).",
    mixinStandardHelpOptions = true)
final class ScanCommand implements Callable<Integer> {
  static final String[] FORMATS = {"table", "json", "sarif", "vdr"};

  enum FailOn {
    any,
    low,
    medium,
    high,
    critical,
    none
  }

  /** What --fail-on does with a finding whose severity no record gives. */
  enum UnknownSeverity {
    fail,
    ignore,
    low,
    medium,
    high,
    critical
  }

  @Spec CommandSpec spec;

  /** --format table|json|sarif|vdr, -o/--output FILE, -q/--quiet (docs/cli.md). */
  @Mixin OutputOptions output = new OutputOptions();

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
          "OSV export zip, directory of OSV records (JSON or YAML), one record, or an http(s) URL"
              + " of an export zip (downloaded into the cache with a conditional GET); repeatable.")
  List<String> osv;

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

  @Option(
      names = "--unknown-severity",
      paramLabel = "HOW",
      description =
          "How --fail-on treats a finding whose severity no advisory gives: fail (default: fail"
              + " closed), ignore, or read it as low, medium, high or critical.")
  UnknownSeverity unknownSeverity = UnknownSeverity.fail;

  /**
   * The advisory sources as local paths. The one place --osv values are read, so that other kinds
   * of source (a URL to fetch) turn into paths here.
   */
  List<Path> osvSources() {
    List<Path> paths = new ArrayList<>();
    for (String o : osv) {
      paths.add(Path.of(o));
    }
    // http(s) URLs of export zips are downloaded into the cache (conditional GET) and read from
    // there like any local zip.
    return OsvFetcher.localSources(paths, cacheDir, spec.commandLine().getErr());
  }

  @Override
  public Integer call() throws IOException {
    long t0 = System.nanoTime();
    String format = output.format(FORMATS);
    PrintWriter err = spec.commandLine().getErr();
    output.warnDeprecated(err);
    // SBOMs first: a scan needs only the advisories that name their packages.
    List<dev.bulwark.vuln.sbom.Sbom> parsed = new ArrayList<>();
    java.util.Set<PackageRef> wanted = new java.util.HashSet<>();
    for (Path p : sboms) {
      InputFiles.check(p);
      try {
        dev.bulwark.vuln.sbom.Sbom sbom = SbomParser.parse(p);
        parsed.add(sbom);
        for (var c : sbom.components()) {
          // The keys matching uses (OS packages: the source package), in every release: the
          // selection below compares records' (ecosystem, name) only.
          if (c.purl() != null && PackageRef.forMatching(c) instanceof PackageRef.Parsed.Ok ok) {
            wanted.add(ok.ref().withoutRelease());
            if (ok.binary() != null) {
              wanted.add(ok.binary().withoutRelease());
            }
          }
        }
      } catch (SbomFormatException e) {
        throw CliException.input(e.getMessage());
      } catch (java.nio.file.NoSuchFileException e) {
        throw CliException.input(p + ": no such file");
      }
    }
    for (Path v : vex) {
      InputFiles.check(v);
    }
    List<Path> sources = osvSources();
    java.util.function.BiPredicate<String, String> exact =
        (ecosystem, name) ->
            Ecosystem.fromOsv(ecosystem)
                .map(e -> wanted.contains(PackageRef.of(e, name)))
                .orElse(false);
    AdvisoryIndex index;
    int read;
    try {
      Optional<OsvSnapshot.Selected> fromSnapshot =
          noCache ? Optional.empty() : snapshot(sources, wanted, exact);
      if (fromSnapshot.isPresent()) {
        OsvSnapshot.Selected sel = fromSnapshot.get();
        index = AdvisoryIndex.build(sel.advisories(), sel.links(), sel.ecosystems());
        read = sel.records();
      } else {
        OsvLoader.Selection selection = OsvLoader.loadSelected(sources, exact);
        index =
            AdvisoryIndex.build(selection.advisories(), selection.links(), selection.ecosystems());
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
    String summary =
        ScanReport.summary(scans, elapsed)
            + " ("
            + read
            + " advisories, "
            + index.withdrawn()
            + " withdrawn, "
            + index.size()
            + " about these packages)"
            + (vex.isEmpty() ? "" : ", " + filter.suppressed().size() + " suppressed by VEX");
    // The summary follows a table on standard output; machine formats keep stdout one document.
    boolean summaryAfterTable = format.equals("table") && output.file() == null;
    output.write(
        out,
        w -> {
          switch (format) {
            case "table" -> {
              ScanReport.table(w, scans, output.file() == null && Terminal.colour());
              if (summaryAfterTable && !output.quiet) {
                w.println(summary);
              }
            }
            case "json" -> {
              Map<String, Object> doc =
                  new java.util.LinkedHashMap<>(ScanReport.json(scans, elapsed));
              if (!vex.isEmpty()) {
                doc.put("suppressed", filter.suppressed());
              }
              w.println(ScanReport.toJson(doc));
            }
            case "sarif" ->
                w.println(
                    ScanReport.toJson(
                        ScanReport.sarif(scans, version, Path.of("").toAbsolutePath())));
            default ->
                w.println(
                    ScanReport.toJson(
                        ScanReport.vdr(
                            scans, version, Instant.now(), java.util.UUID.randomUUID())));
          }
        });
    if (!output.quiet) {
      if (!summaryAfterTable) {
        err.println(summary);
      }
      int notCovered = ScanReport.notCovered(scans);
      if (notCovered > 0) {
        err.println(
            "bulwark: warning: no advisories are loaded for "
                + String.join(", ", ScanReport.notCoveredEcosystems(scans))
                + ": "
                + notCovered
                + " component"
                + (notCovered == 1 ? " is" : "s are")
                + " not covered (neither checked nor clean); add their OSV exports with --osv");
      }
      int unknown = ScanReport.unknownSeverity(scans);
      if (unknown > 0 && failOn != FailOn.none) {
        err.println(
            "bulwark: "
                + unknown
                + " finding"
                + (unknown == 1 ? " has" : "s have")
                + " no known severity; --fail-on "
                + failOn
                + " "
                + switch (unknownSeverity) {
                  case fail -> "counts them as failing (--unknown-severity=fail, the default)";
                  case ignore -> "ignores them (--unknown-severity=ignore)";
                  default -> "reads them as " + unknownSeverity + " (--unknown-severity)";
                });
      }
    }
    err.flush();
    return failed(scans) ? ExitCodes.CHECK_FAILED : ExitCodes.OK;
  }

  /**
   * A snapshot of the advisory sources, keyed by their paths, sizes and times: read when current,
   * written (after a full read) when missing or stale. A cold scan then parses only the records its
   * SBOMs need. Empty when no snapshot can be written (the caller reads the sources instead).
   */
  private Optional<OsvSnapshot.Selected> snapshot(
      List<Path> sources,
      java.util.Set<PackageRef> wanted,
      java.util.function.BiPredicate<String, String> exact)
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
    String key = OsvSnapshot.keyOf(sources);
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
    // The first scan of these sources reads every record once: a progress line on a terminal.
    Terminal.Progress progress = Terminal.progress(spec.commandLine().getErr(), output.quiet);
    try {
      OsvSnapshot.write(
          sources,
          file,
          n -> {
            if (n % 1000 == 0) {
              progress.update(
                  "bulwark: indexing advisories, "
                      + n
                      + " records read (first scan of these sources; later scans reuse the index)");
            }
          });
    } catch (IOException e) {
      progress.done();
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
    progress.done();
    return OsvSnapshot.read(file, hashes, exact);
  }

  /** Whether a finding of level {@code l} is at or above --fail-on, unknown read as chosen. */
  boolean fails(Severity.Level l) {
    if (failOn == FailOn.none) {
      return false;
    }
    if (l == Severity.Level.UNKNOWN) {
      switch (unknownSeverity) {
        case fail:
          return true;
        case ignore:
          return false;
        default:
          l = Severity.Level.valueOf(unknownSeverity.name().toUpperCase(java.util.Locale.ROOT));
      }
    }
    return switch (failOn) {
      case any -> true;
      case low -> l.compareTo(Severity.Level.LOW) >= 0;
      case medium -> l.compareTo(Severity.Level.MEDIUM) >= 0;
      case high -> l.compareTo(Severity.Level.HIGH) >= 0;
      case critical -> l == Severity.Level.CRITICAL;
      case none -> false;
    };
  }

  private boolean failed(List<ScanReport.Scanned> scans) {
    for (ScanReport.Scanned s : scans) {
      for (ScanResult.VulnerableComponent v : s.result().vulnerable()) {
        for (ScanResult.Finding f : v.findings()) {
          if (fails(f.severity().level())) {
            return true;
          }
        }
      }
    }
    return false;
  }
}
