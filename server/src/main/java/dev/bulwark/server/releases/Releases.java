package dev.bulwark.server.releases;

import dev.bulwark.server.advisories.Advisories;
import dev.bulwark.server.audit.AuditLog;
import dev.bulwark.server.auth.Principal;
import dev.bulwark.server.auth.Role;
import dev.bulwark.server.catalog.Catalog;
import dev.bulwark.server.db.Database;
import dev.bulwark.server.http.ApiException;
import dev.bulwark.server.notify.Webhooks;
import dev.bulwark.vuln.match.PackageRef;
import dev.bulwark.vuln.match.ScanResult;
import dev.bulwark.vuln.sbom.Component;
import dev.bulwark.vuln.sbom.Sbom;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;
import org.jdbi.v3.core.Handle;

/** Releases of catalog services, their SBOMs and the findings made of them. */
public final class Releases {
  private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");

  private final Database db;
  private final Catalog catalog;
  private final Advisories advisories;
  private final AuditLog audit;
  private final Clock clock;
  private final ReleaseDao dao = new ReleaseDao();
  private final FindingLifecycle lifecycle;

  private final SlaPolicy sla;
  private final Webhooks webhooks;
  private final dev.bulwark.server.config.ServerConfig.UploadSettings limits;
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Releases.class);

  public Releases(
      Database db,
      Catalog catalog,
      Advisories advisories,
      AuditLog audit,
      Clock clock,
      SlaPolicy sla,
      Webhooks webhooks,
      java.util.List<String> secondPersonCriticalities,
      dev.bulwark.server.config.ServerConfig.UploadSettings limits) {
    this.limits = limits;
    this.sla = sla;
    this.webhooks = webhooks;
    this.db = db;
    this.catalog = catalog;
    this.advisories = advisories;
    this.audit = audit;
    this.clock = clock;
    this.lifecycle = new FindingLifecycle(db, audit, clock, secondPersonCriticalities);
  }

  public SlaPolicy sla() {
    return sla;
  }

  public FindingLifecycle lifecycle() {
    return lifecycle;
  }

  public enum Outcome {
    created,
    unchanged
  }

  public record Created(ReleaseView release, Outcome outcome) {}

  public record ReleaseView(
      String service,
      String version,
      String digest,
      Instant createdAt,
      String sbomSha256,
      String sbomFormat) {}

  static ReleaseView view(ReleaseDao.Release r) {
    return new ReleaseView(
        r.service(), r.version(), r.digest(), r.createdAt(), r.sbomSha256(), r.sbomFormat());
  }

  private static Map<String, String> subject(String service, String version, String digest) {
    return Map.of(
        "kind",
        "release",
        "id",
        service + "@" + version,
        "service",
        service,
        "version",
        version,
        "digest",
        digest);
  }

  public Created create(
      Principal caller, String requestId, String service, String version, String digest) {
    var v = new dev.bulwark.server.http.Validation();
    if (v.require("version", version)) {
      String why = dev.bulwark.server.http.Validation.nameProblem(version);
      if (why != null) {
        v.error("version", why);
      }
    }
    if (v.require("digest", digest) && !DIGEST.matcher(digest).matches()) {
      v.error("digest", "must be sha256:<64 lowercase hex digits>");
    }
    v.throwIfInvalid();
    catalog
        .find(caller, service)
        .orElseThrow(() -> ApiException.notFound("no service named '" + service + "'"));
    return db.writes()
        .inTransaction(
            h -> {
              var existing = dao.find(h, caller, service, version);
              if (existing.isPresent()) {
                if (!existing.get().digest().equals(digest)) {
                  throw ApiException.conflict(
                      "release "
                          + service
                          + " "
                          + version
                          + " exists with digest "
                          + existing.get().digest());
                }
                return new Created(view(existing.get()), Outcome.unchanged);
              }
              Instant now = clock.instant();
              dao.insert(h, service, version, digest, now);
              ReleaseDao.Release r = dao.find(h, caller, service, version).orElseThrow();
              audit.record(
                  h,
                  caller,
                  requestId,
                  "release.create",
                  subject(service, version, digest),
                  null,
                  Map.of("service", service, "version", version, "digest", digest));
              return new Created(view(r), Outcome.created);
            });
  }

  /** The result of an SBOM upload: what was stored and found. */
  public record Uploaded(
      String outcome,
      String format,
      String specVersion,
      String sha256,
      int components,
      int vulnerable,
      int findings,
      Map<String, Integer> bySeverity,
      List<Map<String, String>> unmatched) {}

  /** Rows deleted per bulk step of each kind when an analysis is withdrawn or abandoned. */
  static final int DELETES_PER_STEP = 500;

  /**
   * Rows per bulk step, adjusted while an upload runs so that a step's statements take about {@link
   * #TARGET}: an ordinary change waits for at most one step, and how long a step takes depends on
   * the database and on how loaded the host is, not only on its rows.
   */
  static final class Pacer {
    static final long TARGET = java.time.Duration.ofMillis(10).toNanos();
    private final int min;
    private final int max;
    private int size;

    Pacer(int start, int min, int max) {
      this.size = start;
      this.min = min;
      this.max = max;
    }

    int size() {
      return size;
    }

    void took(long nanos, int rows) {
      if (nanos > 2 * TARGET) {
        size = Math.max(min, size / 2);
      } else if (nanos < TARGET / 2 && rows == size) {
        size = Math.min(max, size * 2);
      }
    }
  }

  /**
   * An upload not heard of for this long is taken to be abandoned (its node stopped): a new upload
   * of the same release, or a start of the server, removes what it wrote.
   */
  static final java.time.Duration UPLOAD_LEASE = java.time.Duration.ofMinutes(10);

  private record Claim(ReleaseDao.Release release, String team, Instant started, boolean clear) {}

  /**
   * Stores an SBOM and the findings made of it. Everything slow happens outside the writer: parse
   * (the caller), match, and building the rows. The rows are then written in bounded steps, each
   * its own short transaction in the writer's bulk lane, while the release names the upload as
   * pending so that no reader sees half of it; a last short transaction sets the SBOM and makes the
   * rows visible, with the ledger entry. A failure removes what was written (docs/adr/0008).
   */
  public Uploaded uploadSbom(
      Principal caller,
      String requestId,
      String service,
      String version,
      byte[] body,
      Sbom sbom,
      boolean force) {
    List<ReleaseDao.ComponentRow> rows = componentRows(sbom);
    if (rows.size() > limits.maxComponents()) {
      throw new ApiException(
          422,
          "Unprocessable Content",
          "the SBOM lists "
              + rows.size()
              + " components; at most "
              + limits.maxComponents()
              + " are accepted per upload (setting uploads.maxComponents)");
    }
    String sha = sha256(body);
    ScanResult result = advisories.scanner().scan(sbom);
    if (result.findingCount() > limits.maxFindings()) {
      throw new ApiException(
          422,
          "Unprocessable Content",
          "the SBOM's components have "
              + result.findingCount()
              + " findings; at most "
              + limits.maxFindings()
              + " are accepted per upload (setting uploads.maxFindings)");
    }
    String upload = java.util.UUID.randomUUID().toString();
    Object claimed =
        db.writes()
            .inTransaction(
                h -> {
                  ReleaseDao.Release r = release(h, caller, service, version);
                  Instant now = clock.instant();
                  boolean stale = false;
                  if (r.pending() != null) {
                    if (r.pendingAt() != null && r.pendingAt().plus(UPLOAD_LEASE).isAfter(now)) {
                      throw ApiException.conflict(
                          "an SBOM upload for release "
                              + service
                              + " "
                              + version
                              + " is in progress; retry when it has finished");
                    }
                    stale = true;
                  } else if (sha.equals(r.sbomSha256())) {
                    return summary("unchanged", sbom, sha, result);
                  }
                  if (r.sbomSha256() != null) {
                    if (!force) {
                      throw ApiException.conflict(
                          "release "
                              + service
                              + " "
                              + version
                              + " already has a different SBOM (sha256:"
                              + r.sbomSha256()
                              + "); an admin may replace it with ?force=true");
                    }
                    if (caller.role() != Role.admin) {
                      throw ApiException.forbidden(
                          "only an admin may replace the SBOM of a release");
                    }
                  }
                  String team =
                      catalog
                          .find(caller, service)
                          .map(dev.bulwark.server.catalog.Service::team)
                          .orElseThrow();
                  dao.claim(h, r.id(), upload, now);
                  return new Claim(r, team, now, stale || r.sbomSha256() != null);
                });
    if (claimed instanceof Uploaded unchanged) {
      return unchanged;
    }
    Claim c = (Claim) claimed;
    long id = c.release().id();
    List<ReleaseDao.FindingRow> findings = findingRows(result);
    byte[] gz = gzip(body);
    try {
      if (c.clear()) {
        while (step(id, upload, false, h -> dao.deleteAnalysisStep(h, id, DELETES_PER_STEP)) > 0) {
          // until the withdrawn analysis is gone
        }
      }
      paced(
          id,
          upload,
          rows,
          new Pacer(250, 25, 5000),
          (h, part) -> dao.insertComponents(h, id, part));
      paced(
          id,
          upload,
          List.copyOf(sbom.dependencies().entrySet()),
          new Pacer(250, 25, 5000),
          (h, part) -> {
            Map<String, List<String>> graph = new LinkedHashMap<>();
            part.forEach(e -> graph.put(e.getKey(), e.getValue()));
            dao.insertDependencies(h, id, graph);
          });
      java.util.Set<String> decided = db.jdbi().withHandle(h -> dao.decidedPackages(h, null));
      Map<String, String> packageOf = packageOf(rows);
      paced(
          id,
          upload,
          findings,
          new Pacer(100, 10, 2000),
          (h, part) -> {
            dao.insertFindingsBatched(h, id, part, c.started());
            java.util.Set<String> refs = decidedRefs(part, packageOf, decided);
            if (!refs.isEmpty()) {
              lifecycle.carryOver(h, id, service, c.team(), refs);
            }
          });
    } catch (RuntimeException e) {
      abandon(caller, requestId, service, version, c, upload);
      throw e;
    }
    try {
      return db.writes()
          .inTransaction(
              h -> {
                // Decisions taken while the rows were written: what the steps did not see.
                java.util.Set<String> late = dao.decidedPackages(h, c.started());
                if (!late.isEmpty()) {
                  lifecycle.carryOver(
                      h, id, service, c.team(), decidedRefs(findings, packageOf(rows), late));
                }
                if (dao.serviceArchived(h, id)) {
                  throw ApiException.conflict(
                      "the SBOM upload was cut off: the service was deleted while it was written");
                }
                if (!dao.publish(
                    h, id, upload, sha, sbom.format() + " " + sbom.specVersion(), gz)) {
                  throw ApiException.conflict(
                      "the upload lost release " + service + " " + version + "; upload again");
                }
                notifyNewFindings(h, service, c.team(), version, id);
                ReleaseDao.Release r = c.release();
                audit.record(
                    h,
                    caller,
                    requestId,
                    r.sbomSha256() == null ? "release.sbom" : "release.sbom.replace",
                    subject(service, version, r.digest()),
                    r.sbomSha256() == null ? null : Map.of("sbom", r.sbomSha256()),
                    Map.of("sbom", sha, "components", rows.size(), "findings", findings.size()));
                return summary(r.sbomSha256() == null ? "stored" : "replaced", sbom, sha, result);
              });
    } catch (RuntimeException e) {
      abandon(caller, requestId, service, version, c, upload);
      throw e;
    }
  }

  private static Map<String, String> packageOf(List<ReleaseDao.ComponentRow> rows) {
    Map<String, String> out = new java.util.HashMap<>();
    for (ReleaseDao.ComponentRow row : rows) {
      if (row.pkg() != null) {
        out.put(row.ref(), row.ecosystem() + ":" + row.pkg());
      }
    }
    return out;
  }

  /** The components of {@code findings} whose packages a decision names. */
  private static java.util.Set<String> decidedRefs(
      List<ReleaseDao.FindingRow> findings,
      Map<String, String> packageOf,
      java.util.Set<String> decided) {
    java.util.Set<String> refs = new java.util.HashSet<>();
    if (decided.isEmpty()) {
      return refs;
    }
    for (ReleaseDao.FindingRow f : findings) {
      String pkg = packageOf.get(f.componentRef());
      if (pkg != null && decided.contains(pkg)) {
        refs.add(f.componentRef());
      }
    }
    return refs;
  }

  /**
   * One bulk step of {@code upload}, refused if the upload no longer owns the release or the
   * release's service was deleted (archived) meanwhile.
   */
  private <T> T step(long release, String upload, java.util.function.Function<Handle, T> body) {
    return step(release, upload, true, body);
  }

  private <T> T step(
      long release,
      String upload,
      boolean serviceMustLive,
      java.util.function.Function<Handle, T> body) {
    return db.writes()
        .inStagedBulkTransaction(
            h -> {
              if (!dao.stillPending(h, release, upload, clock.instant())) {
                throw ApiException.conflict(
                    "the SBOM upload was cut off (the release was removed or another upload took"
                        + " it over); upload again");
              }
              if (serviceMustLive && dao.serviceArchived(h, release)) {
                throw ApiException.conflict(
                    "the SBOM upload was cut off: the service was deleted while it was written");
              }
              return body.apply(h);
            });
  }

  /** Writes {@code all} in bulk steps of the size {@code pacer} keeps adjusting. */
  private <T> void paced(
      long release,
      String upload,
      List<T> all,
      Pacer pacer,
      java.util.function.BiConsumer<Handle, List<T>> write) {
    for (int i = 0; i < all.size(); ) {
      List<T> part = all.subList(i, Math.min(all.size(), i + pacer.size()));
      long took =
          step(
              release,
              upload,
              h -> {
                long t0 = System.nanoTime();
                write.accept(h, part);
                return System.nanoTime() - t0;
              });
      pacer.took(took, part.size());
      i += part.size();
    }
  }

  /**
   * Removes what a failed upload wrote, in bulk steps, and ends it: the release then has no SBOM. A
   * replace had withdrawn the old analysis first, so its failure is a change of its own, on the
   * ledger. Best effort: what a crash leaves, the next upload or start removes.
   */
  private void abandon(
      Principal caller, String requestId, String service, String version, Claim c, String upload) {
    long id = c.release().id();
    try {
      while (step(id, upload, false, h -> dao.deleteAnalysisStep(h, id, DELETES_PER_STEP)) > 0) {
        // until the upload's rows are gone
      }
      db.writes()
          .inTransactionDo(
              h -> {
                if (dao.abandon(h, id, upload) && c.release().sbomSha256() != null) {
                  audit.record(
                      h,
                      caller,
                      requestId,
                      "release.sbom.withdraw",
                      subject(service, version, c.release().digest()),
                      Map.of("sbom", c.release().sbomSha256()),
                      Map.of("reason", "the replacing upload failed"));
                }
              });
    } catch (RuntimeException e) {
      LOG.warn(
          "could not clean up the failed SBOM upload of {} {}: {}",
          service,
          version,
          e.getMessage());
    }
  }

  /**
   * Removes uploads abandoned by a stopped node (or, on the embedded database, by this server's
   * previous run): their rows go in bulk steps and the release is left without an SBOM.
   */
  public int cleanUpAbandonedUploads() {
    // The embedded database has one server, which holds its directory: whatever is pending at its
    // start was left by its previous run.
    java.time.Duration olderThan =
        db.dialect() == dev.bulwark.server.db.Dialect.SQLITE
            ? java.time.Duration.ofMillis(-1)
            : UPLOAD_LEASE;
    List<Map.Entry<Long, String>> gone =
        db.jdbi().withHandle(h -> dao.abandoned(h, clock.instant().minus(olderThan)));
    for (Map.Entry<Long, String> e : gone) {
      long id = e.getKey();
      String upload = e.getValue();
      while (db.writes()
              .inStagedBulkTransaction(
                  h ->
                      upload.equals(pendingOf(h, id))
                          ? dao.deleteAnalysisStep(h, id, DELETES_PER_STEP)
                          : 0)
          > 0) {
        // until its rows are gone
      }
      db.writes()
          .inTransactionDo(
              h -> {
                if (dao.abandon(h, id, upload)) {
                  audit.record(
                      h,
                      Principal.system(),
                      "startup",
                      "release.sbom.abandon",
                      Map.of("kind", "release", "id", Long.toString(id)),
                      null,
                      Map.of("upload", upload, "reason", "the uploading server stopped"));
                }
              });
    }
    return gone.size();
  }

  private static String pendingOf(Handle h, long release) {
    return h.createQuery("SELECT sbom_pending FROM releases WHERE id = :id")
        .bind("id", release)
        .mapTo(String.class)
        .findOne()
        .orElse(null);
  }

  /** The SBOM's components as rows; a repeated bom-ref keeps its first component. */
  private static List<ReleaseDao.ComponentRow> componentRows(Sbom sbom) {
    List<ReleaseDao.ComponentRow> rows = new ArrayList<>();
    java.util.Set<String> refs = new java.util.HashSet<>();
    for (Component c : sbom.components()) {
      if (!refs.add(c.ref())) {
        continue; // a duplicate bom-ref: the first one stands (the document is malformed there)
      }
      String eco = null;
      String pkg = null;
      if (c.purl() != null && PackageRef.fromPurl(c.purl()) instanceof PackageRef.Parsed.Ok ok) {
        eco = ok.ref().ecosystem().name();
        pkg = ok.ref().name();
      }
      rows.add(new ReleaseDao.ComponentRow(c.ref(), c.name(), c.version(), c.purl(), eco, pkg));
    }
    return rows;
  }

  private static Uploaded summary(String outcome, Sbom sbom, String sha, ScanResult result) {
    Map<String, Integer> bySeverity = new LinkedHashMap<>();
    for (ScanResult.VulnerableComponent v : result.vulnerable()) {
      for (ScanResult.Finding f : v.findings()) {
        bySeverity.merge(f.severity().level().label(), 1, Integer::sum);
      }
    }
    List<Map<String, String>> unmatched = new ArrayList<>();
    for (ScanResult.Unmatched u : result.unmatched()) {
      unmatched.add(Map.of("component", u.component().label(), "reason", u.reason()));
    }
    return new Uploaded(
        outcome,
        sbom.format(),
        sbom.specVersion(),
        "sha256:" + sha,
        result.componentCount(),
        result.vulnerable().size(),
        result.findingCount(),
        bySeverity,
        unmatched);
  }

  public List<ReleaseDao.Finding> findings(Principal caller, String service, String version) {
    return db.jdbi()
        .withHandle(
            h -> {
              ReleaseDao.Release r = release(h, caller, service, version);
              var svc = catalog.find(caller, service).orElseThrow();
              Instant now = clock.instant();
              return dao
                  .findings(
                      h,
                      r.id(),
                      (severity, first) ->
                          first.plus(sla.due(severity, svc.criticality(), svc.area())))
                  .stream()
                  .map(f -> effective(f, now))
                  .toList();
            });
  }

  /** What a release gate reads about a release. Findings carry their effective state. */
  public record GateFacts(
      String service,
      String team,
      String area,
      String criticality,
      String version,
      String digest,
      boolean sbom,
      long components,
      List<GateFinding> findings,
      List<ToolSummary> tests) {}

  /** {@code expires}: when a risk acceptance runs out (null if none); the state is effective. */
  public record GateFinding(
      String id,
      List<String> aliases,
      String severity,
      String state,
      String component,
      Instant due,
      String fixed,
      Instant expires) {}

  /** The latest SARIF upload of one tool for a release: result counts by severity. */
  public record ToolSummary(
      String tool, String kind, long results, long critical, long high, long medium, long low) {}

  /** The facts of one release visible to the caller, read in the caller's transaction. */
  public GateFacts gateFacts(
      org.jdbi.v3.core.Handle h, Principal caller, String service, String version) {
    ReleaseDao.Release r = release(h, caller, service, version);
    if (r.pending() != null) {
      // Fail closed: what the gate would read is being written.
      throw ApiException.conflict(
          "an SBOM upload for release "
              + service
              + " "
              + version
              + " is in progress; evaluate the gate when it has finished");
    }
    var svc = catalog.find(caller, service).orElseThrow();
    Instant now = clock.instant();
    // Only the columns a rule reads, in the order the findings listing uses; SLA due dates per
    // severity computed once, not per row.
    Map<String, java.time.Duration> dueBySeverity = new java.util.HashMap<>();
    List<GateFinding> findings =
        h.createQuery(
                """
                SELECT vuln_id, aliases, severity, purl, fixed, state, first_seen, expires_at
                FROM findings WHERE release_id = :r ORDER BY vuln_id, component_ref
                """)
            .bind("r", r.id())
            .map(
                (rs, ctx) -> {
                  String severity = rs.getString(3);
                  String state = rs.getString(6);
                  long expiresAt = rs.getLong(8);
                  Instant expires = rs.wasNull() ? null : Instant.ofEpochMilli(expiresAt);
                  if (acceptanceExpired(state, expires, now)) {
                    state = "open";
                  }
                  Instant due =
                      Instant.ofEpochMilli(rs.getLong(7))
                          .plus(
                              dueBySeverity.computeIfAbsent(
                                  severity, x -> sla.due(x, svc.criticality(), svc.area())));
                  return new GateFinding(
                      rs.getString(1),
                      ReleaseJson.strings(rs.getString(2)),
                      severity,
                      state,
                      rs.getString(4),
                      due,
                      rs.getString(5),
                      expires);
                })
            .list();
    long components =
        h.createQuery("SELECT COUNT(*) FROM release_components WHERE release_id = :r")
            .bind("r", r.id())
            .mapTo(Long.class)
            .one();
    List<ToolSummary> tests =
        h.createQuery(
                """
                SELECT tool, kind, results, critical, high, medium, low FROM sarif_uploads
                WHERE id IN (SELECT MAX(id) FROM sarif_uploads WHERE release_id = :r GROUP BY tool)
                ORDER BY tool
                """)
            .bind("r", r.id())
            .map(
                (rs, ctx) ->
                    new ToolSummary(
                        rs.getString("tool"),
                        rs.getString("kind"),
                        rs.getLong("results"),
                        rs.getLong("critical"),
                        rs.getLong("high"),
                        rs.getLong("medium"),
                        rs.getLong("low")))
            .list();
    return new GateFacts(
        svc.name(),
        svc.team(),
        svc.area().name(),
        svc.criticality().name(),
        r.version(),
        r.digest(),
        r.sbomSha256() != null,
        components,
        findings,
        tests);
  }

  /**
   * One finding.new event per upload, listing the release's critical and high findings that are
   * still open after carried-over verdicts (a finding already judged not_affected is no news).
   */
  private void notifyNewFindings(
      org.jdbi.v3.core.Handle h, String service, String team, String version, long release) {
    boolean subscribed =
        h.createQuery(
                    "SELECT COUNT(*) FROM webhooks WHERE (team IS NULL OR team = :t) AND events LIKE '%finding.new%'")
                .bind("t", team)
                .mapTo(Long.class)
                .one()
            > 0;
    if (!subscribed) {
      return; // nobody to tell: the findings need not be read in this transaction
    }
    List<Map<String, Object>> serious = new ArrayList<>();
    h.createQuery(
            "SELECT id, vuln_id, severity, purl FROM findings WHERE release_id = :r AND state = 'open' AND severity IN ('critical', 'high') ORDER BY id")
        .bind("r", release)
        .map(
            (rs, ctx) -> {
              Map<String, Object> m = new LinkedHashMap<>();
              m.put("finding", rs.getLong("id"));
              m.put("vulnerability", rs.getString("vuln_id"));
              m.put("severity", rs.getString("severity"));
              m.put("purl", rs.getString("purl"));
              return m;
            })
        .forEach(serious::add);
    if (!serious.isEmpty()) {
      Map<String, Object> data = new LinkedHashMap<>();
      data.put("service", service);
      data.put("version", version);
      data.put("findings", serious);
      webhooks.enqueue(h, "finding.new", team, data);
    }
  }

  private static List<ReleaseDao.FindingRow> findingRows(ScanResult result) {
    List<ReleaseDao.FindingRow> findings = new ArrayList<>();
    for (ScanResult.VulnerableComponent vc : result.vulnerable()) {
      for (ScanResult.Finding f : vc.findings()) {
        List<String> ids = new ArrayList<>(f.aliases());
        ids.add(f.id());
        findings.add(
            new ReleaseDao.FindingRow(
                vc.component().ref(),
                vc.component().purl(),
                f.id(),
                ReleaseJson.of(f.aliases()),
                ids,
                f.severity().level().label(),
                f.severity().score(),
                f.fixed(),
                f.summary()));
      }
    }
    return findings;
  }

  /** What an advisory sync did. */
  public record Synced(
      int advisories,
      int changed,
      int packages,
      int releases,
      int added,
      int closed,
      long loadMillis,
      long reevaluateMillis) {}

  /**
   * Reloads the OSV sources and re-evaluates only the stored components whose packages the changed
   * advisories name (before or after the change): new matches become open findings (with
   * carried-over verdicts applied); findings that no longer match, because their advisory was
   * withdrawn, removed or narrowed, are closed as fixed with that reason. One transaction: a reader
   * sees the portfolio before or after the sync, never half of it.
   */
  public Synced syncAdvisories(Principal caller, String requestId) {
    Advisories.Change change;
    try {
      change = advisories.load();
    } catch (dev.bulwark.vuln.osv.OsvFormatException | java.io.IOException e) {
      org.slf4j.LoggerFactory.getLogger(Releases.class)
          .warn("request {}: advisory sync failed: {}", requestId, e.toString());
      throw ApiException.invalid(
          "sources",
          "cannot load the OSV sources; the previous advisories stay: "
              + advisories.redact(e.getMessage()));
    }
    long t0 = System.nanoTime();
    java.util.Set<PackageRef> packages =
        new java.util.LinkedHashSet<>(change.before().packagesOf(change.changedIds()));
    packages.addAll(change.after().packagesOf(change.changedIds()));
    dev.bulwark.vuln.match.Scanner scanner = new dev.bulwark.vuln.match.Scanner(change.after());
    Synced done = reevaluate(caller, requestId, change, packages, scanner);
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

  private Synced reevaluate(
      Principal caller,
      String requestId,
      Advisories.Change change,
      java.util.Set<PackageRef> packages,
      dev.bulwark.vuln.match.Scanner scanner) {
    return db.writes()
        .inTransaction(
            h -> {
              record Stored(
                  long release, String service, String team, String version, Component c) {}
              Map<Long, List<Stored>> byRelease = new LinkedHashMap<>();
              for (PackageRef p : packages) {
                h.createQuery(
                        "SELECT c.release_id, s.name AS service, s.team, r.version, c.ref, c.name, c.version AS cv, c.purl "
                            + "FROM release_components c JOIN releases r ON r.id = c.release_id JOIN services s ON s.id = r.service_id "
                            + "WHERE c.ecosystem = :eco AND c.package = :pkg AND "
                            + ReleaseDao.VISIBLE)
                    .bind("eco", p.ecosystem().name())
                    .bind("pkg", p.name())
                    .map(
                        (rs, ctx) ->
                            new Stored(
                                rs.getLong("release_id"),
                                rs.getString("service"),
                                rs.getString("team"),
                                rs.getString("version"),
                                new Component(
                                    rs.getString("ref"),
                                    rs.getString("name"),
                                    rs.getString("cv"),
                                    rs.getString("purl"))))
                    .forEach(
                        s -> byRelease.computeIfAbsent(s.release(), k -> new ArrayList<>()).add(s));
              }
              int added = 0;
              int closed = 0;
              for (var e : byRelease.entrySet()) {
                long release = e.getKey();
                List<Component> components = e.getValue().stream().map(Stored::c).toList();
                List<ReleaseDao.FindingRow> now = findingRows(scanner.scan(components));
                java.util.Set<String> nowKeys = new java.util.HashSet<>();
                now.forEach(f -> nowKeys.add(f.componentRef() + "\n" + f.vulnId()));
                record Existing(long id, String ref, String vuln, String state) {}
                List<Existing> existing =
                    h.createQuery(
                            "SELECT id, component_ref, vuln_id, state FROM findings WHERE release_id = :r AND component_ref IN (<refs>)")
                        .bind("r", release)
                        .bindList("refs", components.stream().map(Component::ref).toList())
                        .map(
                            (rs, ctx) ->
                                new Existing(
                                    rs.getLong("id"),
                                    rs.getString("component_ref"),
                                    rs.getString("vuln_id"),
                                    rs.getString("state")))
                        .list();
                java.util.Set<String> had = new java.util.HashSet<>();
                for (Existing x : existing) {
                  had.add(x.ref() + "\n" + x.vuln());
                  if (!nowKeys.contains(x.ref() + "\n" + x.vuln()) && !x.state().equals("fixed")) {
                    lifecycle.close(
                        h,
                        x.id(),
                        x.state(),
                        "advisory sync: "
                            + x.vuln()
                            + (change.after().packagesOf(x.vuln()).isEmpty()
                                ? " is withdrawn or no longer published"
                                : " no longer matches this component's version"));
                    closed++;
                  }
                }
                List<ReleaseDao.FindingRow> fresh =
                    now.stream()
                        .filter(f -> !had.contains(f.componentRef() + "\n" + f.vulnId()))
                        .toList();
                if (!fresh.isEmpty()) {
                  dao.insertFindings(h, release, fresh, clock.instant());
                  Stored any = e.getValue().get(0);
                  lifecycle.carryOver(
                      h,
                      release,
                      any.service(),
                      any.team(),
                      fresh.stream()
                          .map(ReleaseDao.FindingRow::componentRef)
                          .collect(java.util.stream.Collectors.toSet()));
                  added += fresh.size();
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
                      closed));
              return out;
            });
  }

  /** The release's components, each with the refs it depends on (from the SBOM's graph). */
  public List<Map<String, Object>> components(Principal caller, String service, String version) {
    return db.jdbi()
        .withHandle(
            h -> {
              long id = release(h, caller, service, version).id();
              Map<String, List<String>> graph = dao.dependencies(h, id);
              List<Map<String, Object>> out = new ArrayList<>();
              for (ReleaseDao.ComponentRow c : dao.components(h, id)) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("ref", c.ref());
                m.put("name", c.name());
                m.put("version", c.version());
                m.put("purl", c.purl());
                m.put("dependsOn", graph.getOrDefault(c.ref(), List.of()));
                out.add(m);
              }
              return out;
            });
  }

  /** The release's findings and their analyses as a CycloneDX 1.6 VEX document. */
  public Map<String, Object> vex(Principal caller, String service, String version) {
    List<ReleaseDao.Finding> findings = findings(caller, service, version);
    List<ReleaseDao.ComponentRow> components =
        db.jdbi().withHandle(h -> dao.components(h, release(h, caller, service, version).id()));
    String tool = Releases.class.getPackage().getImplementationVersion();
    return VexDocument.build(
        service, version, components, findings, clock.instant(), tool == null ? "dev" : tool);
  }

  /** An expired risk acceptance reopens its finding: read as open from its expiry on. */
  static boolean acceptanceExpired(String state, Instant expires, Instant now) {
    return "risk_accepted".equals(state) && expires != null && !now.isBefore(expires);
  }

  private static ReleaseDao.Finding effective(ReleaseDao.Finding f, Instant now) {
    if (acceptanceExpired(f.state(), f.expiresAt(), now)) {
      return new ReleaseDao.Finding(
          f.id(),
          f.aliases(),
          f.severity(),
          f.score(),
          f.purl(),
          f.component(),
          f.fixed(),
          f.summary(),
          "open",
          f.firstSeen(),
          f.due(),
          f.findingId(),
          f.justification(),
          f.reason(),
          f.expiresAt(),
          "reopened: the risk acceptance expired at " + f.expiresAt());
    }
    return f;
  }

  /** What a SARIF upload added: results read, new ones, ones already known. */
  public record SarifUploaded(int results, int added, int known) {}

  /**
   * Stores a SARIF log's results as code findings (deduplicated by fingerprint) and, per tool, a
   * summary of this upload (what a gate reads: results by severity, SAST or DAST).
   */
  public SarifUploaded uploadSarif(
      Principal caller,
      String requestId,
      String service,
      String version,
      String kind,
      byte[] body) {
    if (!kind.equals("sast") && !kind.equals("dast")) {
      throw ApiException.invalid("kind", "must be sast or dast");
    }
    SarifReport.Report report = SarifReport.parse(body);
    List<SarifReport.Result> results = report.results();
    return db.writes()
        .inTransaction(
            h -> {
              ReleaseDao.Release r = release(h, caller, service, version);
              for (String tool : report.tools()) {
                Map<String, Integer> counts = new java.util.HashMap<>();
                results.stream()
                    .filter(x -> x.tool().equals(tool))
                    .forEach(x -> counts.merge(x.severity(), 1, Integer::sum));
                h.createUpdate(
                        """
                        INSERT INTO sarif_uploads
                          (release_id, tool, kind, results, critical, high, medium, low, uploaded_at)
                        VALUES (:r, :tool, :kind, :results, :critical, :high, :medium, :low, :at)
                        """)
                    .bind("r", r.id())
                    .bind("tool", tool)
                    .bind("kind", kind)
                    .bind("results", counts.values().stream().mapToInt(Integer::intValue).sum())
                    .bind("critical", counts.getOrDefault("critical", 0))
                    .bind("high", counts.getOrDefault("high", 0))
                    .bind("medium", counts.getOrDefault("medium", 0))
                    .bind("low", counts.getOrDefault("low", 0))
                    .bind("at", clock.millis())
                    .execute();
              }
              ReleaseDao.touch(h, r.id());
              int added = dao.insertCodeFindings(h, r.id(), results, clock.instant());
              audit.record(
                  h,
                  caller,
                  requestId,
                  "release.sarif",
                  subject(service, version, r.digest()),
                  null,
                  Map.of(
                      "kind",
                      kind,
                      "tools",
                      report.tools(),
                      "results",
                      results.size(),
                      "added",
                      added,
                      "sha256",
                      sha256(body)));
              return new SarifUploaded(results.size(), added, results.size() - added);
            });
  }

  public List<ReleaseDao.CodeFinding> codeFindings(
      Principal caller, String service, String version) {
    return db.jdbi()
        .withHandle(h -> dao.codeFindings(h, release(h, caller, service, version).id()));
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
    for (ReleaseDao.OpenFinding f :
        db.jdbi().withHandle(h -> dao.openFindings(h, caller, team, now))) {
      Instant due =
          f.firstSeen()
              .plus(
                  sla.due(
                      f.severity(),
                      dev.bulwark.server.catalog.Criticality.valueOf(f.criticality()),
                      dev.bulwark.server.catalog.Area.valueOf(f.area())));
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
                java.time.Duration.between(due, now).toDays(),
                f.findingId()));
      }
    }
    return out;
  }

  /** One step of an upgrade plan. */
  public record Step(
      String component,
      String purl,
      String upgradeTo,
      int clears,
      int of,
      double riskCleared,
      List<String> findings) {}

  private static double severityWeight(String severity) {
    return switch (severity) {
      case "critical" -> 10;
      case "high" -> 7;
      case "low" -> 1;
      case "none" -> 0;
      default -> 4; // medium, and unknown: not guessed low
    };
  }

  private static double criticalityWeight(dev.bulwark.server.catalog.Criticality c) {
    return switch (c) {
      case critical -> 4;
      case high -> 3;
      case medium -> 2;
      case low -> 1;
    };
  }

  /**
   * The release's upgrade plan: for each vulnerable component, the engine's patch advice against
   * the current advisories, ordered by the risk it clears (severity weight times the service's
   * criticality weight, summed over the findings the upgrade clears).
   */
  public List<Step> plan(Principal caller, String service, String version) {
    var svc =
        catalog
            .find(caller, service)
            .orElseThrow(() -> ApiException.notFound("no service named '" + service + "'"));
    List<ReleaseDao.ComponentRow> rows =
        db.jdbi()
            .withHandle(
                h -> {
                  ReleaseDao.Release r = release(h, caller, service, version);
                  return dao.components(h, r.id());
                });
    List<Component> components =
        rows.stream().map(c -> new Component(c.ref(), c.name(), c.version(), c.purl())).toList();
    ScanResult result = advisories.scanner().scan(components);
    double weight = criticalityWeight(svc.criticality());
    List<Step> steps = new ArrayList<>();
    for (ScanResult.VulnerableComponent v : result.vulnerable()) {
      if (v.advice() == null) {
        steps.add(
            new Step(
                v.component().label(),
                v.component().purl(),
                null,
                0,
                v.findings().size(),
                0,
                v.findings().stream().map(ScanResult.Finding::id).toList()));
        continue;
      }
      double risk = 0;
      List<String> cleared = new ArrayList<>();
      for (ScanResult.Finding f : v.findings()) {
        if (f.fixed() != null && fixedBy(f.fixed(), v.advice().version(), v.component().purl())) {
          risk += severityWeight(f.severity().level().label()) * weight;
          cleared.add(f.id());
        }
      }
      steps.add(
          new Step(
              v.component().label(),
              v.component().purl(),
              v.advice().version(),
              v.advice().clears(),
              v.advice().of(),
              risk,
              cleared));
    }
    steps.sort(
        java.util.Comparator.comparingDouble(Step::riskCleared)
            .reversed()
            .thenComparing(Step::component));
    return steps;
  }

  /** True when upgrading to {@code target} reaches {@code fixed} (the ecosystem's ordering). */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static boolean fixedBy(String fixed, String target, String purl) {
    if (!(PackageRef.fromPurl(purl) instanceof PackageRef.Parsed.Ok ok)) {
      return false;
    }
    try {
      var scheme = ok.ref().ecosystem().scheme();
      return scheme.parse(target).compareTo(scheme.parse(fixed)) >= 0;
    } catch (dev.bulwark.vuln.version.InvalidVersionException e) {
      return false;
    }
  }

  /** What changed from one release to another: components and findings. */
  public record Diff(
      String from,
      String to,
      List<String> added,
      List<String> removed,
      List<Map<String, String>> changed,
      List<String> findingsIntroduced,
      List<String> findingsResolved) {}

  public Diff diff(Principal caller, String service, String from, String to) {
    return db.jdbi()
        .withHandle(
            h -> {
              ReleaseDao.Release a =
                  dao.find(h, caller, service, from)
                      .orElseThrow(
                          () ->
                              ApiException.notFound(
                                  "no release " + from + " of service '" + service + "'"));
              ReleaseDao.Release b =
                  dao.find(h, caller, service, to)
                      .orElseThrow(
                          () ->
                              ApiException.notFound(
                                  "no release " + to + " of service '" + service + "'"));
              Map<String, ReleaseDao.ComponentRow> ca = byPackage(dao.components(h, a.id()));
              Map<String, ReleaseDao.ComponentRow> cb = byPackage(dao.components(h, b.id()));
              List<String> added = new ArrayList<>();
              List<String> removed = new ArrayList<>();
              List<Map<String, String>> changed = new ArrayList<>();
              for (var e : cb.entrySet()) {
                ReleaseDao.ComponentRow old = ca.get(e.getKey());
                if (old == null) {
                  added.add(e.getKey());
                } else if (!java.util.Objects.equals(old.version(), e.getValue().version())) {
                  Map<String, String> m = new LinkedHashMap<>();
                  m.put("package", e.getKey());
                  m.put("from", old.version());
                  m.put("to", e.getValue().version());
                  changed.add(m);
                }
              }
              for (String k : ca.keySet()) {
                if (!cb.containsKey(k)) {
                  removed.add(k);
                }
              }
              java.util.Set<String> fa = findingKeys(dao.findings(h, a.id(), (s, t) -> t), ca);
              java.util.Set<String> fb = findingKeys(dao.findings(h, b.id(), (s, t) -> t), cb);
              List<String> introduced = fb.stream().filter(k -> !fa.contains(k)).sorted().toList();
              List<String> resolved = fa.stream().filter(k -> !fb.contains(k)).sorted().toList();
              java.util.Collections.sort(added);
              java.util.Collections.sort(removed);
              return new Diff(from, to, added, removed, changed, introduced, resolved);
            });
  }

  /** Components keyed by package (ecosystem and normalized name), else by name, else by ref. */
  private static Map<String, ReleaseDao.ComponentRow> byPackage(
      List<ReleaseDao.ComponentRow> rows) {
    Map<String, ReleaseDao.ComponentRow> m = new java.util.TreeMap<>();
    for (ReleaseDao.ComponentRow c : rows) {
      String key =
          c.pkg() != null
              ? c.ecosystem().toLowerCase(java.util.Locale.ROOT) + ":" + c.pkg()
              : c.name() != null ? c.name() : c.ref();
      m.putIfAbsent(key, c);
    }
    return m;
  }

  private static java.util.Set<String> findingKeys(
      List<ReleaseDao.Finding> findings, Map<String, ReleaseDao.ComponentRow> components) {
    Map<String, String> byRef = new java.util.HashMap<>();
    components.forEach((k, c) -> byRef.put(c.ref(), k));
    java.util.Set<String> out = new java.util.TreeSet<>();
    for (ReleaseDao.Finding f : findings) {
      out.add(f.id() + " in " + byRef.getOrDefault(f.component(), f.component()));
    }
    return out;
  }

  public List<ReleaseDao.Hit> withPackage(Principal caller, PackageRef ref) {
    return db.jdbi()
        .withHandle(h -> dao.withPackage(h, caller, ref.ecosystem().name(), ref.name()));
  }

  public List<ReleaseDao.Hit> affectedBy(Principal caller, String anyId) {
    return db.jdbi().withHandle(h -> dao.affectedBy(h, caller, anyId));
  }

  private ReleaseDao.Release release(
      org.jdbi.v3.core.Handle h, Principal caller, String service, String version) {
    return dao.find(h, caller, service, version)
        .orElseThrow(
            () -> ApiException.notFound("no release " + version + " of service '" + service + "'"));
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] gzip(byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, body.length / 4));
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
