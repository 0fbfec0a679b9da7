package dev.bulwark.server.findings;

import dev.bulwark.server.catalog.Area;
import dev.bulwark.server.catalog.Criticality;
import dev.bulwark.server.db.Database;
import dev.bulwark.server.notify.Webhooks;
import dev.bulwark.server.releases.ReleaseFindings;
import dev.bulwark.server.releases.Releases;
import dev.bulwark.vuln.match.ScanResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/**
 * Records the findings of an SBOM upload for the releases feature: stores them in the upload's
 * steps, applies carried-over decisions and announces the serious ones; and reads them for a gate.
 */
public final class FindingRecorder implements ReleaseFindings {
  private final Database db;
  private final FindingLifecycle lifecycle;
  private final SlaPolicy sla;
  private final Webhooks webhooks;
  private final FindingDao dao = new FindingDao();

  public FindingRecorder(
      Database db, FindingLifecycle lifecycle, SlaPolicy sla, Webhooks webhooks) {
    this.db = db;
    this.lifecycle = lifecycle;
    this.sla = sla;
    this.webhooks = webhooks;
  }

  @Override
  public Batch prepare(ScanResult result, Map<String, String> packageOf, Instant started) {
    List<FindingDao.FindingRow> rows = rows(result);
    Set<String> decided = db.jdbi().withHandle(h -> dao.decidedPackages(h, null));
    return new Batch() {
      @Override
      public int size() {
        return rows.size();
      }

      @Override
      public void write(Handle h, long release, String service, String team, int from, int to) {
        List<FindingDao.FindingRow> part = rows.subList(from, to);
        dao.insertBatch(h, release, part, started);
        Set<String> refs = decidedRefs(part, packageOf, decided);
        if (!refs.isEmpty()) {
          lifecycle.carryOver(h, release, service, team, refs);
        }
      }

      @Override
      public void publish(Handle h, long release, String service, String team, String version) {
        Set<String> late = dao.decidedPackages(h, started);
        if (!late.isEmpty()) {
          lifecycle.carryOver(h, release, service, team, decidedRefs(rows, packageOf, late));
        }
        announce(h, service, team, version, release);
      }
    };
  }

  @Override
  public List<Releases.GateFinding> gateFindings(
      Handle h, long release, Criticality criticality, Area area, Instant now) {
    // SLA due dates per severity computed once, not per row.
    Map<String, Duration> dueBySeverity = new java.util.HashMap<>();
    List<Releases.GateFinding> out = new ArrayList<>();
    for (FindingDao.GateRow f : dao.gateRows(h, release)) {
      String state =
          FindingLifecycle.acceptanceExpired(f.state(), f.expiresAt(), now)
              ? FindingState.open.name()
              : f.state();
      Instant due =
          f.firstSeen()
              .plus(
                  dueBySeverity.computeIfAbsent(f.severity(), x -> sla.due(x, criticality, area)));
      out.add(
          new Releases.GateFinding(
              f.vulnId(),
              f.aliases(),
              f.severity(),
              state,
              f.purl(),
              due,
              f.fixed(),
              f.expiresAt()));
    }
    return out;
  }

  /** The findings of a scan as rows: one per vulnerable component and advisory. */
  static List<FindingDao.FindingRow> rows(ScanResult result) {
    List<FindingDao.FindingRow> findings = new ArrayList<>();
    for (ScanResult.VulnerableComponent vc : result.vulnerable()) {
      for (ScanResult.Finding f : vc.findings()) {
        List<String> ids = new ArrayList<>(f.aliases());
        ids.add(f.id());
        findings.add(
            new FindingDao.FindingRow(
                vc.component().ref(),
                vc.component().purl(),
                f.id(),
                ReleaseJson.of(f.aliases()),
                ids,
                f.severity().level().label(),
                f.severity().score(),
                Findings.SeveritySource.json(f),
                f.fixed(),
                f.summary()));
      }
    }
    return findings;
  }

  /** The components of {@code findings} whose packages a decision names. */
  private static Set<String> decidedRefs(
      List<FindingDao.FindingRow> findings, Map<String, String> packageOf, Set<String> decided) {
    Set<String> refs = new HashSet<>();
    if (decided.isEmpty()) {
      return refs;
    }
    for (FindingDao.FindingRow f : findings) {
      String pkg = packageOf.get(f.componentRef());
      if (pkg != null && decided.contains(pkg)) {
        refs.add(f.componentRef());
      }
    }
    return refs;
  }

  /**
   * One finding.new event per upload, listing the release's critical and high findings that are
   * still open after carried-over verdicts (a finding already judged not_affected is no news).
   */
  private void announce(Handle h, String service, String team, String version, long release) {
    if (!webhooks.subscribed(h, "finding.new", team)) {
      return; // nobody to tell: the findings need not be read in this transaction
    }
    List<Map<String, Object>> serious = new ArrayList<>();
    for (FindingDao.Serious s : dao.seriousOpen(h, release)) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("finding", s.finding());
      m.put("vulnerability", s.vulnerability());
      m.put("severity", s.severity());
      m.put("purl", s.purl());
      serious.add(m);
    }
    if (!serious.isEmpty()) {
      Map<String, Object> data = new LinkedHashMap<>();
      data.put("service", service);
      data.put("version", version);
      data.put("findings", serious);
      webhooks.enqueue(h, "finding.new", team, data);
    }
  }
}
