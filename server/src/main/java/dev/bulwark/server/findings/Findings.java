package dev.bulwark.server.findings;

import com.fasterxml.jackson.annotation.JsonValue;
import dev.bulwark.server.auth.Principal;
import dev.bulwark.server.catalog.Area;
import dev.bulwark.server.catalog.Catalog;
import dev.bulwark.server.catalog.Criticality;
import dev.bulwark.server.db.Database;
import dev.bulwark.server.releases.Releases;
import dev.bulwark.vuln.match.ScanResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The findings of releases as the API lists them: per release, overdue, as VEX. */
public final class Findings {
  private final Database db;
  private final Catalog catalog;
  private final Releases releases;
  private final SlaPolicy sla;
  private final Clock clock;
  private final FindingDao dao = new FindingDao();

  public Findings(Database db, Catalog catalog, Releases releases, SlaPolicy sla, Clock clock) {
    this.db = db;
    this.catalog = catalog;
    this.releases = releases;
    this.sla = sla;
    this.clock = clock;
  }

  public SlaPolicy sla() {
    return sla;
  }

  /**
   * Where a finding's severity came from: the record that rates it ({@code record}: the finding's
   * own id, another record that matched, or, with {@code alias}, an alias that did not match the
   * component but rates the same vulnerability), the rating's type (CVSS_V3, CVSS_V4,
   * database_specific.severity, ...) and its CVSS vector. Null for an unknown severity.
   */
  public record SeveritySource(String record, boolean alias, String type, String vector) {
    public SeveritySource {
      java.util.Objects.requireNonNull(record, "record");
    }

    /** The stored form of the engine's finding's source: JSON, or null when unknown. */
    static String json(ScanResult.Finding f) {
      if (!f.severity().known()) {
        return null;
      }
      return new String(
          dev.bulwark.server.http.Json.write(
              new SeveritySource(
                  f.severityFrom(),
                  f.severityByAlias(),
                  f.severity().source(),
                  f.severity().vector())),
          java.nio.charset.StandardCharsets.UTF_8);
    }

    static SeveritySource parse(String json) {
      if (json == null) {
        return null;
      }
      try {
        return dev.bulwark.server.http.Json.MAPPER.readValue(json, SeveritySource.class);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }

  /**
   * A finding as the API shows it; {@code state} is effective, {@code due} its SLA date. {@code
   * origin} is where an image SBOM says the component came from (source package, layers and paths),
   * so that a user sees whether the base image or their own layer brought it; null when the SBOM
   * said nothing of the kind.
   */
  public record Finding(
      String id,
      List<String> aliases,
      String severity,
      Double score,
      SeveritySource severitySource,
      String purl,
      String component,
      dev.bulwark.vuln.sbom.Component.Origin origin,
      String fixed,
      String summary,
      String state,
      Instant firstSeen,
      Instant due,
      long findingId,
      String justification,
      String reason,
      Instant expiresAt,
      String note) {
    /** This finding with its SLA date and its state as it reads {@code now}. */
    Finding effective(Instant dueAt, Instant now) {
      boolean expired = FindingLifecycle.acceptanceExpired(state, expiresAt, now);
      return new Finding(
          id,
          aliases,
          severity,
          score,
          severitySource,
          purl,
          component,
          origin,
          fixed,
          summary,
          expired ? FindingState.open.name() : state,
          firstSeen,
          dueAt,
          findingId,
          justification,
          reason,
          expiresAt,
          expired ? "reopened: the risk acceptance expired at " + expiresAt : note);
    }
  }

  public List<Finding> findings(Principal caller, String service, String version) {
    return db.jdbi()
        .withHandle(
            h -> {
              Releases.Ref r = releases.ref(h, caller, service, version);
              return findings(h, r.id(), caller, service);
            });
  }

  private List<Finding> findings(
      org.jdbi.v3.core.Handle h, long release, Principal caller, String service) {
    var svc = catalog.find(caller, service).orElseThrow();
    Instant now = clock.instant();
    List<Finding> out = new ArrayList<>();
    for (Finding f : dao.findings(h, release)) {
      out.add(
          f.effective(
              f.firstSeen().plus(sla.due(f.severity(), svc.criticality(), svc.area())), now));
    }
    return out;
  }

  /** An open finding past its due date. */
  public record Overdue(
      String service,
      String team,
      String version,
      String id,
      String severity,
      String purl,
      Instant firstSeen,
      Instant due,
      long daysOverdue,
      long findingId) {}

  /** Open findings past their SLA, oldest first, for the caller's teams (or one of them). */
  public List<Overdue> overdue(Principal caller, String team) {
    Instant now = clock.instant();
    List<Overdue> out = new ArrayList<>();
    for (FindingDao.OpenFinding f :
        db.jdbi().withHandle(h -> dao.openFindings(h, caller, team, now))) {
      Instant due =
          f.firstSeen()
              .plus(
                  sla.due(
                      f.severity(), Criticality.valueOf(f.criticality()), Area.valueOf(f.area())));
      if (now.isAfter(due)) {
        out.add(
            new Overdue(
                f.service(),
                f.team(),
                f.version(),
                f.id(),
                f.severity(),
                f.purl(),
                f.firstSeen(),
                due,
                Duration.between(due, now).toDays(),
                f.findingId()));
      }
    }
    return out;
  }

  /** A CycloneDX 1.6 VEX document, kept as the ordered tree it is written as. */
  public record VexExport(@JsonValue Map<String, Object> document) {}

  /** The release's findings and their analyses as a CycloneDX 1.6 VEX document. */
  public VexExport vex(Principal caller, String service, String version) {
    return db.jdbi()
        .withHandle(
            h -> {
              Releases.Ref r = releases.ref(h, caller, service, version);
              List<Finding> findings = findings(h, r.id(), caller, service);
              List<Releases.ComponentView> components = releases.components(h, r.id());
              String tool = Findings.class.getPackage().getImplementationVersion();
              return new VexExport(
                  VexDocument.build(
                      service,
                      version,
                      components,
                      findings,
                      clock.instant(),
                      tool == null ? "dev" : tool));
            });
  }

  /**
   * Open findings per release of one service, by severity (lower case, as stored), for the releases
   * the caller may see: {@code version -> severity -> count}.
   */
  public Map<String, Map<String, Long>> openCounts(Principal caller, String service) {
    Map<String, Map<String, Long>> out = new java.util.HashMap<>();
    for (FindingDao.OpenCount c :
        db.jdbi().withHandle(h -> dao.openCounts(h, caller, service, clock.instant()))) {
      out.computeIfAbsent(c.version(), v -> new java.util.TreeMap<>())
          .merge(c.severity(), c.count(), Long::sum);
    }
    return out;
  }

  /**
   * One finding's VEX statement as the CycloneDX export writes it ({@link #vex}): its analysis
   * state ({@code in_triage}, {@code exploitable}, {@code resolved}, {@code not_affected}), the
   * CycloneDX justification, the response and the detail; none for an open finding.
   */
  public record VexStatement(
      String id,
      String component,
      String state,
      String justification,
      List<String> response,
      String detail) {}

  /** The VEX statements of findings as {@link #findings} lists them, in the export's order. */
  @SuppressWarnings("unchecked")
  public static List<VexStatement> vexStatements(List<Finding> findings) {
    List<VexStatement> out = new ArrayList<>();
    for (Finding f : findings) {
      Map<String, Object> a = VexDocument.analysis(f);
      if (a != null) {
        out.add(
            new VexStatement(
                f.id(),
                f.component(),
                (String) a.get("state"),
                (String) a.get("justification"),
                (List<String>) a.getOrDefault("response", List.of()),
                (String) a.get("detail")));
      }
    }
    return out;
  }
}
