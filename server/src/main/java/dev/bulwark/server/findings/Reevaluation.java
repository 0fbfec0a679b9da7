package dev.bulwark.server.findings;

import dev.bulwark.server.advisories.Advisories;
import dev.bulwark.server.advisories.AdvisorySync;
import dev.bulwark.server.audit.Affects;
import dev.bulwark.server.audit.AuditLog;
import dev.bulwark.server.auth.Principal;
import dev.bulwark.server.db.Database;
import dev.bulwark.server.errors.DomainException;
import dev.bulwark.vuln.match.PackageRef;
import dev.bulwark.vuln.match.Scanner;
import dev.bulwark.vuln.osv.OsvFormatException;
import dev.bulwark.vuln.sbom.Component;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The advisory sync's re-evaluation: reloads the OSV sources and re-evaluates only the stored
 * components whose packages the changed advisories name (before or after the change). New matches
 * become open findings (with carried-over verdicts applied); a finding the sync had closed and that
 * matches again reopens; findings that no longer match, because their advisory was withdrawn,
 * removed or narrowed, are closed as fixed with that reason. One transaction: a reader sees the
 * portfolio before or after the sync, never half of it.
 */
public final class Reevaluation implements AdvisorySync {
  private static final Logger LOG = LoggerFactory.getLogger(Reevaluation.class);

  private final Database db;
  private final Advisories advisories;
  private final FindingLifecycle lifecycle;
  private final AuditLog audit;
  private final Clock clock;
  private final FindingDao dao = new FindingDao();

  public Reevaluation(
      Database db, Advisories advisories, FindingLifecycle lifecycle, AuditLog audit, Clock clock) {
    this.db = db;
    this.advisories = advisories;
    this.lifecycle = lifecycle;
    this.audit = audit;
    this.clock = clock;
  }

  @Override
  public Synced sync(Principal caller, String requestId) {
    Advisories.Change change;
    try {
      change = advisories.load();
    } catch (OsvFormatException | IOException e) {
      LOG.warn("request {}: advisory sync failed: {}", requestId, e.toString());
      throw new DomainException.Invalid(
          "sources",
          "cannot load the OSV sources; the previous advisories stay: "
              + advisories.redact(e.getMessage()));
    }
    long t0 = System.nanoTime();
    Set<PackageRef> packages = new LinkedHashSet<>(change.before().packagesOf(change.changedIds()));
    packages.addAll(change.after().packagesOf(change.changedIds()));
    Synced done = reevaluate(caller, requestId, change, packages, new Scanner(change.after()));
    // Found, written and committed: what a reader of the findings waits for after the load.
    return new Synced(
        done.advisories(),
        done.changed(),
        done.packages(),
        done.releases(),
        done.added(),
        done.closed(),
        done.loadMillis(),
        (System.nanoTime() - t0) / 1_000_000);
  }

  private static String key(String ref, String vuln) {
    return ref + "\n" + vuln;
  }

  private Synced reevaluate(
      Principal caller,
      String requestId,
      Advisories.Change change,
      Set<PackageRef> packages,
      Scanner scanner) {
    return db.writes()
        .inTransaction(
            h -> {
              Map<Long, List<FindingDao.StoredComponent>> byRelease = new LinkedHashMap<>();
              // A binary package is found by its own name and by its source package's (the name
              // Debian and Ubuntu advisories use): both may have changed, and it is scanned once.
              Set<String> seen = new HashSet<>();
              for (PackageRef p : packages) {
                for (FindingDao.StoredComponent s :
                    dao.componentsWithPackage(h, p.ecosystem().name(), p.name())) {
                  if (seen.add(s.release() + "\n" + s.ref())) {
                    byRelease.computeIfAbsent(s.release(), k -> new ArrayList<>()).add(s);
                  }
                }
              }
              int added = 0;
              int closed = 0;
              Set<Long> changed = new HashSet<>();
              for (var e : byRelease.entrySet()) {
                long release = e.getKey();
                List<Component> components =
                    e.getValue().stream().map(FindingDao.StoredComponent::component).toList();
                List<FindingDao.FindingRow> now = FindingRecorder.rows(scanner.scan(components));
                Map<String, FindingDao.FindingRow> nowByKey = new HashMap<>();
                now.forEach(f -> nowByKey.put(key(f.componentRef(), f.vulnId()), f));
                Set<String> nowKeys = nowByKey.keySet();
                Set<String> had = new HashSet<>();
                Set<String> reopened = new HashSet<>();
                for (FindingDao.Existing x :
                    dao.existing(h, release, components.stream().map(Component::ref).toList())) {
                  String k = key(x.ref(), x.vuln());
                  had.add(k);
                  boolean matches = nowKeys.contains(k);
                  // A still-matching finding takes the severity the advisories give now (an alias
                  // record loaded since rates it); its SLA date follows when read.
                  if (matches && !x.ratedAs(nowByKey.get(k))) {
                    dao.updateSeverity(h, x.id(), nowByKey.get(k));
                    changed.add(release);
                  }
                  if (!matches && !x.state().equals("fixed")) {
                    lifecycle.close(
                        h,
                        x.id(),
                        x.state(),
                        "advisory sync: "
                            + x.vuln()
                            + (change.after().packagesOf(x.vuln()).isEmpty()
                                ? " is withdrawn or no longer published"
                                : " no longer matches this component's version"));
                    changed.add(release);
                    closed++;
                  } else if (matches
                      && x.state().equals("fixed")
                      && FindingLifecycle.SYSTEM.equals(x.actor())) {
                    // Closed by an earlier sync, not by a person: the evidence is back.
                    lifecycle.reopen(
                        h, x.id(), "advisory sync: " + x.vuln() + " matches this component again");
                    reopened.add(x.ref());
                    changed.add(release);
                    added++;
                  }
                }
                List<FindingDao.FindingRow> fresh =
                    now.stream()
                        .filter(f -> !had.contains(key(f.componentRef(), f.vulnId())))
                        .toList();
                if (!fresh.isEmpty()) {
                  dao.insert(h, release, fresh, clock.instant());
                  added += fresh.size();
                }
                Set<String> refs =
                    fresh.stream()
                        .map(FindingDao.FindingRow::componentRef)
                        .collect(Collectors.toCollection(HashSet::new));
                refs.addAll(reopened);
                if (!refs.isEmpty()) {
                  FindingDao.StoredComponent any = e.getValue().get(0);
                  lifecycle.carryOver(h, release, any.service(), any.team(), refs);
                  changed.add(release);
                }
              }
              Synced out =
                  new Synced(
                      change.after().size(),
                      change.changedIds().size(),
                      packages.size(),
                      byRelease.size(),
                      added,
                      closed,
                      change.loadMillis(),
                      0);
              audit.record(
                  h,
                  caller,
                  requestId,
                  "advisories.sync",
                  Map.of("kind", "advisories", "id", "osv"),
                  null,
                  Map.of(
                      "changed",
                      out.changed(),
                      "releases",
                      out.releases(),
                      "added",
                      added,
                      "closed",
                      closed),
                  Affects.releases(changed));
              return out;
            });
  }
}
