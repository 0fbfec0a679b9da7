package dev.bulwark.server.releases;

import dev.bulwark.common.Sha256;
import dev.bulwark.server.advisories.Advisories;
import dev.bulwark.server.audit.Affects;
import dev.bulwark.server.audit.AuditLog;
import dev.bulwark.server.auth.Principal;
import dev.bulwark.server.auth.Role;
import dev.bulwark.server.catalog.Catalog;
import dev.bulwark.server.config.ServerConfig;
import dev.bulwark.server.db.Database;
import dev.bulwark.server.db.Dialect;
import dev.bulwark.server.errors.DomainException;
import dev.bulwark.server.http.Validation;
import dev.bulwark.vuln.match.PackageRef;
import dev.bulwark.vuln.match.ScanResult;
import dev.bulwark.vuln.sbom.Component;
import dev.bulwark.vuln.sbom.Sbom;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Releases of catalog services: their creation, SBOM and SARIF intake, and what a gate reads. */
public final class Releases {
  private static final Logger LOG = LoggerFactory.getLogger(Releases.class);
  private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");

  private final Database db;
  private final Catalog catalog;
  private final Advisories advisories;
  private final AuditLog audit;
  private final Clock clock;
  private final ReleaseFindings findings;
  private final ServerConfig.UploadSettings limits;
  private final ReleaseDao dao = new ReleaseDao();

  public Releases(
      Database db,
      Catalog catalog,
      Advisories advisories,
      AuditLog audit,
      Clock clock,
      ReleaseFindings findings,
      ServerConfig.UploadSettings limits) {
    this.db = db;
    this.catalog = catalog;
    this.advisories = advisories;
    this.audit = audit;
    this.clock = clock;
    this.findings = findings;
    this.limits = limits;
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

  /** A release as other features name it: its database id and its service. */
  public record Ref(long id, String service, String version, String digest) {}

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
    var v = new Validation();
    if (v.require("version", version)) {
      String why = Validation.nameProblem(version);
      if (why != null) {
        v.error("version", why);
      }
    }
    if (v.require("digest", digest) && !DIGEST.matcher(digest).matches()) {
      v.error("digest", "must be sha256:<64 lowercase hex digits>");
    }
    if (!v.ok()) {
      throw new DomainException.Invalid(
          v.errors().stream()
              .map(e -> new DomainException.FieldError(e.field(), e.message()))
              .toList());
    }
    catalog
        .find(caller, service)
        .orElseThrow(() -> new DomainException.NotFound("no service named '" + service + "'"));
    return db.writes()
        .inTransaction(
            h -> {
              var existing = dao.find(h, caller, service, version);
              if (existing.isPresent()) {
                if (!existing.get().digest().equals(digest)) {
                  throw new DomainException.Conflict(
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
                  Map.of("service", service, "version", version, "digest", digest),
                  Affects.release(r.id()));
              return new Created(view(r), Outcome.created);
            });
  }

  /**
   * The result of an SBOM upload: what was stored and found. {@code notCovered} counts the
   * components of ecosystems for which the server holds no advisories ({@code
   * notCoveredEcosystems}): not checked, so not clean.
   */
  public record Uploaded(
      String outcome,
      String format,
      String specVersion,
      String sha256,
      int components,
      int vulnerable,
      int findings,
      Map<String, Integer> bySeverity,
      List<Unmatched> unmatched,
      int notCovered,
      List<String> notCoveredEcosystems) {}

  /** A component the scanner could not match, and why. */
  public record Unmatched(String component, String reason) {}

  /** An SBOM read and matched, before anything is stored: too large, or ready to store. */
  public sealed interface Intake permits TooLarge, Ready {}

  /** Refused before anything is stored: the upload exceeds a configured limit. */
  public record TooLarge(String detail) implements Intake {}

  /** The SBOM's component rows and its scan, for {@link #uploadSbom}. */
  public static final class Ready implements Intake {
    final Sbom sbom;
    final List<ReleaseDao.ComponentRow> rows;
    final ScanResult result;

    private Ready(Sbom sbom, List<ReleaseDao.ComponentRow> rows, ScanResult result) {
      this.sbom = sbom;
      this.rows = rows;
      this.result = result;
    }
  }

  /**
   * Reads the SBOM's components and matches them against the current advisories, outside any
   * transaction; refuses an SBOM beyond the upload limits before it is matched or stored.
   */
  public Intake intake(Sbom sbom) {
    List<ReleaseDao.ComponentRow> rows = componentRows(sbom);
    if (rows.size() > limits.maxComponents()) {
      return new TooLarge(
          "the SBOM lists "
              + rows.size()
              + " components; at most "
              + limits.maxComponents()
              + " are accepted per upload (setting uploads.maxComponents)");
    }
    ScanResult result = advisories.scanner().scan(sbom);
    if (result.findingCount() > limits.maxFindings()) {
      return new TooLarge(
          "the SBOM's components have "
              + result.findingCount()
              + " findings; at most "
              + limits.maxFindings()
              + " are accepted per upload (setting uploads.maxFindings)");
    }
    return new Ready(sbom, rows, result);
  }

  /** Rows deleted per bulk step of each kind when an analysis is withdrawn or abandoned. */
  static final int DELETES_PER_STEP = 500;

  /**
   * Rows per bulk step, adjusted while an upload runs so that a step's statements take about {@link
   * #TARGET}: an ordinary change waits for at most one step, and how long a step takes depends on
   * the database and on how loaded the host is, not only on its rows.
   */
  static final class Pacer {
    static final long TARGET = Duration.ofMillis(10).toNanos();
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
  static final Duration UPLOAD_LEASE = Duration.ofMinutes(10);

  private record Claim(ReleaseDao.Release release, String team, Instant started, boolean clear) {}

  private record Unchanged(Uploaded summary) {}

  /**
   * Stores an SBOM and the findings made of it. Everything slow happens outside the writer: parse
   * (the caller), match ({@link #intake}), and building the rows. The rows are then written in
   * bounded steps, each its own short transaction in the writer's bulk lane, while the release
   * names the upload as pending so that no reader sees half of it; a last short transaction sets
   * the SBOM and makes the rows visible, with the ledger entry. A failure removes what was written
   * (docs/adr/0008).
   */
  public Uploaded uploadSbom(
      Principal caller,
      String requestId,
      String service,
      String version,
      byte[] body,
      Ready ready,
      boolean force) {
    Sbom sbom = ready.sbom;
    List<ReleaseDao.ComponentRow> rows = ready.rows;
    ScanResult result = ready.result;
    String sha = Sha256.hex(body);
    String upload = UUID.randomUUID().toString();
    Object claimed =
        db.writes()
            .inTransaction(
                h -> {
                  ReleaseDao.Release r = release(h, caller, service, version);
                  Instant now = clock.instant();
                  boolean stale = false;
                  if (r.pending() != null) {
                    if (r.pendingAt() != null && r.pendingAt().plus(UPLOAD_LEASE).isAfter(now)) {
                      throw new DomainException.Conflict(
                          "an SBOM upload for release "
                              + service
                              + " "
                              + version
                              + " is in progress; retry when it has finished");
                    }
                    stale = true;
                  } else if (sha.equals(r.sbomSha256())) {
                    return new Unchanged(summary("unchanged", sbom, sha, result));
                  }
                  if (r.sbomSha256() != null) {
                    if (!force) {
                      throw new DomainException.Conflict(
                          "release "
                              + service
                              + " "
                              + version
                              + " already has a different SBOM (sha256:"
                              + r.sbomSha256()
                              + "); an admin may replace it with ?force=true");
                    }
                    if (caller.role() != Role.admin) {
                      throw new DomainException.Forbidden(
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
    if (claimed instanceof Unchanged unchanged) {
      return unchanged.summary();
    }
    Claim c = (Claim) claimed;
    long id = c.release().id();
    ReleaseFindings.Batch batch = findings.prepare(result, packageOf(rows), c.started());
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
          rows.size(),
          new Pacer(250, 25, 5000),
          (h, from, to) -> dao.insertComponents(h, id, rows.subList(from, to)));
      List<Map.Entry<String, List<String>>> edges = List.copyOf(sbom.dependencies().entrySet());
      paced(
          id,
          upload,
          edges.size(),
          new Pacer(250, 25, 5000),
          (h, from, to) -> {
            Map<String, List<String>> graph = new LinkedHashMap<>();
            edges.subList(from, to).forEach(e -> graph.put(e.getKey(), e.getValue()));
            dao.insertDependencies(h, id, graph);
          });
      paced(
          id,
          upload,
          batch.size(),
          new Pacer(100, 10, 2000),
          (h, from, to) -> batch.write(h, id, service, c.team(), from, to));
    } catch (RuntimeException e) {
      abandon(caller, requestId, service, version, c, upload);
      throw e;
    }
    try {
      return db.writes()
          .inTransaction(
              h -> {
                batch.publish(h, id, service, c.team(), version);
                if (dao.serviceArchived(h, id)) {
                  throw new DomainException.Conflict(
                      "the SBOM upload was cut off: the service was deleted while it was written");
                }
                if (!dao.publish(
                    h, id, upload, sha, sbom.format() + " " + sbom.specVersion(), gz)) {
                  throw new DomainException.Conflict(
                      "the upload lost release " + service + " " + version + "; upload again");
                }
                ReleaseDao.Release r = c.release();
                audit.record(
                    h,
                    caller,
                    requestId,
                    r.sbomSha256() == null ? "release.sbom" : "release.sbom.replace",
                    subject(service, version, r.digest()),
                    r.sbomSha256() == null ? null : Map.of("sbom", r.sbomSha256()),
                    Map.of("sbom", sha, "components", rows.size(), "findings", batch.size()),
                    Affects.release(id));
                return summary(r.sbomSha256() == null ? "stored" : "replaced", sbom, sha, result);
              });
    } catch (RuntimeException e) {
      abandon(caller, requestId, service, version, c, upload);
      throw e;
    }
  }

  private static Map<String, String> packageOf(List<ReleaseDao.ComponentRow> rows) {
    Map<String, String> out = new HashMap<>();
    for (ReleaseDao.ComponentRow row : rows) {
      if (row.pkg() != null) {
        out.put(row.ref(), row.ecosystem() + ":" + row.pkg());
      }
    }
    return out;
  }

  /**
   * One bulk step of {@code upload}, refused if the upload no longer owns the release or the
   * release's service was deleted (archived) meanwhile.
   */
  private <T> T step(
      long release, String upload, boolean serviceMustLive, Function<Handle, T> body) {
    return db.writes()
        .inStagedBulkTransaction(
            h -> {
              if (!dao.stillPending(h, release, upload, clock.instant())) {
                throw new DomainException.Conflict(
                    "the SBOM upload was cut off (the release was removed or another upload took"
                        + " it over); upload again");
              }
              if (serviceMustLive && dao.serviceArchived(h, release)) {
                throw new DomainException.Conflict(
                    "the SBOM upload was cut off: the service was deleted while it was written");
              }
              return body.apply(h);
            });
  }

  /** Writes rows {@code [from, to)} of a list in one step. */
  private interface Part {
    void write(Handle h, int from, int to);
  }

  /** Writes {@code total} rows in bulk steps of the size {@code pacer} keeps adjusting. */
  private void paced(long release, String upload, int total, Pacer pacer, Part write) {
    for (int i = 0; i < total; ) {
      int from = i;
      int to = Math.min(total, i + pacer.size());
      long took =
          step(
              release,
              upload,
              true,
              h -> {
                long t0 = System.nanoTime();
                write.write(h, from, to);
                return System.nanoTime() - t0;
              });
      pacer.took(took, to - from);
      i = to;
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
                      Map.of("reason", "the replacing upload failed"),
                      Affects.release(id));
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
    Duration olderThan = db.dialect() == Dialect.SQLITE ? Duration.ofMillis(-1) : UPLOAD_LEASE;
    List<Map.Entry<Long, String>> gone =
        db.jdbi().withHandle(h -> dao.abandoned(h, clock.instant().minus(olderThan)));
    for (Map.Entry<Long, String> e : gone) {
      long id = e.getKey();
      String upload = e.getValue();
      while (db.writes()
              .inStagedBulkTransaction(
                  h ->
                      upload.equals(dao.pendingOf(h, id))
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
                      Map.of("upload", upload, "reason", "the uploading server stopped"),
                      Affects.release(id));
                }
              });
    }
    return gone.size();
  }

  /** The SBOM's components as rows; a repeated bom-ref keeps its first component. */
  private static List<ReleaseDao.ComponentRow> componentRows(Sbom sbom) {
    List<ReleaseDao.ComponentRow> rows = new ArrayList<>();
    Set<String> refs = new HashSet<>();
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
      rows.add(
          new ReleaseDao.ComponentRow(
              c.ref(), c.name(), c.version(), c.purl(), eco, pkg, c.origin()));
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
    List<Unmatched> unmatched = new ArrayList<>();
    for (ScanResult.Unmatched u : result.unmatched()) {
      unmatched.add(new Unmatched(u.component().label(), u.reason()));
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
        unmatched,
        result.notCovered().size(),
        List.copyOf(
            dev.bulwark.vuln.report.ScanReport.notCoveredEcosystems(
                List.of(new dev.bulwark.vuln.report.ScanReport.Scanned("", result)))));
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
  public GateFacts gateFacts(Handle h, Principal caller, String service, String version) {
    ReleaseDao.Release r = release(h, caller, service, version);
    if (r.pending() != null) {
      // Fail closed: what the gate would read is being written.
      throw new DomainException.Conflict(
          "an SBOM upload for release "
              + service
              + " "
              + version
              + " is in progress; evaluate the gate when it has finished");
    }
    var svc = catalog.find(caller, service).orElseThrow();
    return new GateFacts(
        svc.name(),
        svc.team(),
        svc.area().name(),
        svc.criticality().name(),
        r.version(),
        r.digest(),
        r.sbomSha256() != null,
        dao.componentCount(h, r.id()),
        findings.gateFindings(h, r.id(), svc.criticality(), svc.area(), clock.instant()),
        dao.toolSummaries(h, r.id()));
  }

  /**
   * One component of a release, with the refs it depends on (from the SBOM's graph) and, where an
   * image SBOM recorded it, its origin: source package, package type, layers and paths (null when
   * the SBOM said nothing of the kind).
   */
  public record ComponentView(
      String ref,
      String name,
      String version,
      String purl,
      List<String> dependsOn,
      Component.Origin origin) {
    /** The component as the engine reads it, origin included. */
    public Component component() {
      return new Component(
          ref, name, version, purl, origin == null ? Component.Origin.NONE : origin);
    }
  }

  /**
   * The origin stored with a component, read from a row that selects the columns {@code
   * source_name, source_version, package_type, source_recorded, locations} of {@code
   * release_components} (another feature's query that joins them).
   */
  public static Component.Origin storedOrigin(java.sql.ResultSet rs) throws java.sql.SQLException {
    return ReleaseDao.origin(rs);
  }

  /** The API's form of an origin: null for {@link Component.Origin#NONE}. */
  public static Component.Origin shown(Component.Origin origin) {
    return origin.equals(Component.Origin.NONE) ? null : origin;
  }

  /** The release's components, each with the refs it depends on. */
  public List<ComponentView> components(Principal caller, String service, String version) {
    return db.jdbi().withHandle(h -> components(h, release(h, caller, service, version).id()));
  }

  /** A stored component with its package identity (where its purl names a known ecosystem). */
  public record StoredComponent(
      String ref,
      String name,
      String version,
      String purl,
      String ecosystem,
      String pkg,
      Component.Origin origin) {}

  /** The stored components of a release named by id, in the caller's transaction. */
  public List<StoredComponent> storedComponents(Handle h, long release) {
    return dao.components(h, release).stream()
        .map(
            c ->
                new StoredComponent(
                    c.ref(), c.name(), c.version(), c.purl(), c.ecosystem(), c.pkg(), c.origin()))
        .toList();
  }

  /** The components of a release named by id, in the caller's transaction. */
  public List<ComponentView> components(Handle h, long release) {
    Map<String, List<String>> graph = dao.dependencies(h, release);
    List<ComponentView> out = new ArrayList<>();
    for (ReleaseDao.ComponentRow c : dao.components(h, release)) {
      out.add(
          new ComponentView(
              c.ref(),
              c.name(),
              c.version(),
              c.purl(),
              graph.getOrDefault(c.ref(), List.of()),
              shown(c.origin())));
    }
    return out;
  }

  /** What a SARIF upload added: results read, new ones, ones already known. */
  public record SarifUploaded(int results, int added, int known) {}

  /** A SAST or DAST result as the API shows it. */
  public record CodeFinding(
      String kind,
      String tool,
      String ruleId,
      String level,
      String message,
      String uri,
      Integer startLine,
      String fingerprint,
      Instant firstSeen) {}

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
      byte[] body,
      SarifReport.Report report) {
    requireSarifKind(kind);
    List<SarifReport.Result> results = report.results();
    return db.writes()
        .inTransaction(
            h -> {
              ReleaseDao.Release r = release(h, caller, service, version);
              Instant now = clock.instant();
              for (String tool : report.tools()) {
                Map<String, Integer> counts = new HashMap<>();
                results.stream()
                    .filter(x -> x.tool().equals(tool))
                    .forEach(x -> counts.merge(x.severity(), 1, Integer::sum));
                dao.insertSarifUpload(
                    h,
                    new ReleaseDao.SarifUpload(
                        r.id(),
                        tool,
                        kind,
                        counts.values().stream().mapToInt(Integer::intValue).sum(),
                        counts.getOrDefault("critical", 0),
                        counts.getOrDefault("high", 0),
                        counts.getOrDefault("medium", 0),
                        counts.getOrDefault("low", 0),
                        now));
              }
              int added = dao.insertCodeFindings(h, r.id(), results, now);
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
                      Sha256.hex(body)),
                  Affects.release(r.id()));
              return new SarifUploaded(results.size(), added, results.size() - added);
            });
  }

  /** A SARIF upload is a SAST or a DAST report; checked before its body is read. */
  public static void requireSarifKind(String kind) {
    if (!kind.equals("sast") && !kind.equals("dast")) {
      throw new DomainException.Invalid("kind", "must be sast or dast");
    }
  }

  public List<CodeFinding> codeFindings(Principal caller, String service, String version) {
    return db.jdbi()
        .withHandle(h -> dao.codeFindings(h, release(h, caller, service, version).id()));
  }

  /** The release visible to the caller, for the features that read what hangs off it. */
  public Ref ref(Handle h, Principal caller, String service, String version) {
    ReleaseDao.Release r = release(h, caller, service, version);
    return new Ref(r.id(), r.service(), r.version(), r.digest());
  }

  private ReleaseDao.Release release(Handle h, Principal caller, String service, String version) {
    return dao.find(h, caller, service, version)
        .orElseThrow(
            () ->
                new DomainException.NotFound(
                    "no release " + version + " of service '" + service + "'"));
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

  /** The most releases {@link #list} returns. */
  public static final int MAX_LISTED = 500;

  /**
   * The releases of a service the caller may see, newest first (at most {@code limit}, up to {@link
   * #MAX_LISTED}); a service outside the caller's scope is not found, like one that does not exist.
   */
  public List<ReleaseView> list(Principal caller, String service, int limit) {
    if (catalog.find(caller, service).isEmpty()) {
      throw new DomainException.NotFound("no service named '" + service + "'");
    }
    int n = Math.clamp(limit, 1, MAX_LISTED);
    return db.jdbi()
        .withHandle(
            h -> dao.releasesOf(h, caller, service, n).stream().map(Releases::view).toList());
  }
}
