package dev.bulwark.server.demo;

import dev.bulwark.server.auth.Principal;
import dev.bulwark.server.auth.Role;
import dev.bulwark.server.catalog.Area;
import dev.bulwark.server.catalog.Catalog;
import dev.bulwark.server.catalog.Criticality;
import dev.bulwark.server.catalog.ServiceInput;
import dev.bulwark.server.tokens.TokenService;
import java.util.ArrayList;
import java.util.List;

/**
 * Sample data for {@code --demo}: services of four teams in every area, a token per role, and six
 * weeks of history (releases whose SBOMs carry real RustSec advisories of every severity, fixes on
 * later days, gate decisions and deployments), so that the dashboard shows real trends at first
 * start.
 */
public final class DemoData {
  private DemoData() {}

  /** Seeds once: when the catalog is empty. Returns the tokens issued, to be shown once. */
  public static List<TokenService.Issued> seed(Catalog catalog, TokenService tokens) {
    Principal system = Principal.system();
    if (!catalog.list(system, null).isEmpty()) {
      return List.of();
    }
    List<ServiceInput> services =
        List.of(
            new ServiceInput("storefront", "shop", Area.website, Criticality.high, 250_000.0),
            new ServiceInput(
                "checkout-api", "shop", Area.backend, Criticality.critical, 1_000_000.0),
            new ServiceInput("recommendations", "shop", Area.backend, Criticality.medium, null),
            new ServiceInput("ledger-db", "finance", Area.data, Criticality.critical, 2_000_000.0),
            new ServiceInput("marketing-site", "growth", Area.website, Criticality.low, 5_000.0),
            new ServiceInput("billing-api", "finance", Area.backend, Criticality.high, 800_000.0),
            new ServiceInput("analytics-etl", "growth", Area.data, Criticality.medium, null),
            new ServiceInput(
                "auth-gateway", "platform", Area.backend, Criticality.critical, 1_500_000.0),
            new ServiceInput("search-index", "platform", Area.data, Criticality.low, null),
            new ServiceInput("status-page", "platform", Area.website, Criticality.medium, null));
    catalog.importAll(system, "demo", services);
    List<TokenService.Issued> issued = new ArrayList<>();
    issued.add(
        tokens.issue(
            system,
            "demo",
            "demo security",
            Role.security,
            List.of("shop", "finance", "growth", "platform"),
            null));
    issued.add(tokens.issue(system, "demo", "demo ci (shop)", Role.ci, List.of("shop"), null));
    issued.add(
        tokens.issue(
            system, "demo", "demo developer (shop)", Role.developer, List.of("shop"), null));
    issued.add(
        tokens.issue(
            system,
            "demo",
            "demo auditor",
            Role.auditor,
            List.of("shop", "finance", "growth", "platform"),
            null));
    return issued;
  }

  static final java.util.List<String> STARTER_FILES =
      java.util.List.of("promotion.yaml", "provenance.yaml", "sast.yaml", "sbom.yaml", "sla.yaml");

  /** The starter policy bundle shipped in the engine's jar (the repository's policies/starter). */
  public static java.util.Map<String, String> starterPolicies() {
    java.util.Map<String, String> files = new java.util.TreeMap<>();
    for (String f : STARTER_FILES) {
      try (var in = DemoData.class.getResourceAsStream("/dev/bulwark/policy/starter/" + f)) {
        if (in == null) {
          throw new IllegalStateException(
              "the starter bundle's " + f + " is missing from the build");
        }
        files.put(f, new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
    return files;
  }

  /** The demo's advisories (real RustSec records, CC0-1.0), as resources of this package. */
  static final List<String> ADVISORIES =
      List.of(
          "RUSTSEC-2020-0008",
          "RUSTSEC-2021-0037",
          "RUSTSEC-2021-0078",
          "RUSTSEC-2022-0013",
          "RUSTSEC-2023-0065",
          "RUSTSEC-2023-0091");

  /**
   * The OSV sources with the demo's advisories added: written to {@code DIR/demo-osv} (a directory
   * of OSV records, as {@code --osv} takes), so that the demo's releases have findings.
   */
  public static List<java.nio.file.Path> withAdvisories(
      List<java.nio.file.Path> sources, java.nio.file.Path dataDir) {
    java.nio.file.Path dir = dataDir.resolve("demo-osv");
    try {
      java.nio.file.Files.createDirectories(dir);
      for (String id : ADVISORIES) {
        try (var in = DemoData.class.getResourceAsStream("osv/" + id + ".json")) {
          if (in == null) {
            throw new IllegalStateException(
                "the demo advisory " + id + " is missing from the build");
          }
          java.nio.file.Files.write(dir.resolve(id + ".json"), in.readAllBytes());
        }
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    List<java.nio.file.Path> out = new ArrayList<>(sources);
    if (!out.contains(dir)) {
      out.add(dir);
    }
    return out;
  }

  /**
   * The demo's policy bundle: the starter bundle without {@code provenance.yaml} and {@code
   * sast.yaml}, whose rules deny every release of the demo (it has no trusted build keys and no
   * SAST reports); push them yourself to see them at work.
   */
  public static java.util.Map<String, String> demoPolicies() {
    java.util.Map<String, String> files = new java.util.TreeMap<>(starterPolicies());
    files.remove("provenance.yaml");
    files.remove("sast.yaml");
    return files;
  }

  /**
   * Plays six weeks of history ending now (see {@link DemoHistory}) on a catalog just seeded, then
   * records the dashboard's snapshot of every day of it. Returns a line for the console.
   */
  public static String history(
      DemoClock clock,
      Catalog catalog,
      dev.bulwark.server.releases.Releases releases,
      dev.bulwark.server.findings.Findings findings,
      dev.bulwark.server.findings.FindingLifecycle lifecycle,
      dev.bulwark.server.gates.Gates gates,
      dev.bulwark.server.deployments.Deployments deployments,
      dev.bulwark.server.dashboard.Dashboards dashboards) {
    long t0 = System.nanoTime();
    DemoHistory.Played p;
    long t1;
    try {
      p =
          DemoHistory.play(
              clock,
              catalog.list(Principal.system(), null),
              releases,
              findings,
              lifecycle,
              gates,
              deployments);
    } finally {
      clock.release();
      t1 = System.nanoTime();
    }
    int days = dashboards.backfill(p.first(), dashboards.today());
    dashboards.recordToday();
    return "Demo history since "
        + p.first()
        + ": "
        + p.releases()
        + " releases, "
        + p.fixed()
        + " findings fixed, "
        + p.gates()
        + " gate decisions, "
        + p.deployments()
        + " deployments, "
        + days
        + " daily snapshots ("
        + (t1 - t0) / 1_000_000
        + " + "
        + (System.nanoTime() - t1) / 1_000_000
        + " ms)";
  }

  /** Sets the clock to the first morning of the history, before the catalog is seeded. */
  public static void startHistory(DemoClock clock) {
    clock.set(
        java.time.LocalDate.ofInstant(clock.realNow(), java.time.ZoneOffset.UTC)
            .minusDays(DemoHistory.DAYS - 1L)
            .atStartOfDay(java.time.ZoneOffset.UTC)
            .toInstant()
            .plus(java.time.Duration.ofHours(7)));
  }
}
