package dev.bulwark.server.releases;

import dev.bulwark.server.auth.Principal;
import dev.bulwark.vuln.sbom.Component;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * SQL of releases, their components, dependencies and SARIF uploads. Every read joins the owning
 * service and carries the caller's team scope in its WHERE clause ({@link TeamScope}), as the
 * catalog's statements do.
 */
public final class ReleaseDao {
  record Release(
      long id,
      String service,
      String version,
      String digest,
      Instant createdAt,
      String sbomSha256,
      String sbomFormat,
      String pending,
      Instant pendingAt) {}

  /**
   * A stored component; {@code origin} is what an image SBOM said of where it came from ({@link
   * Component.Origin#NONE} when nothing), kept so that a later scan (an advisory sync, a plan)
   * matches it as the upload did.
   */
  record ComponentRow(
      String ref,
      String name,
      String version,
      String purl,
      String ecosystem,
      String pkg,
      Component.Origin origin) {
    ComponentRow {
      java.util.Objects.requireNonNull(origin, "origin");
    }

    Component component() {
      return new Component(ref, name, version, purl, origin);
    }
  }

  /** The stored form of an origin's locations: a JSON array, or null when there are none. */
  static String locationsJson(List<Component.Location> locations) {
    if (locations.isEmpty()) {
      return null;
    }
    return new String(
        dev.bulwark.server.http.Json.write(locations), java.nio.charset.StandardCharsets.UTF_8);
  }

  private static final com.fasterxml.jackson.core.type.TypeReference<List<Component.Location>>
      LOCATIONS = new com.fasterxml.jackson.core.type.TypeReference<>() {};

  /** The origin stored in a row's columns (read by column name). */
  static Component.Origin origin(java.sql.ResultSet rs) throws SQLException {
    String source = rs.getString("source_name");
    String sourceVersion = rs.getString("source_version");
    String type = rs.getString("package_type");
    boolean recorded = rs.getInt("source_recorded") != 0;
    String json = rs.getString("locations");
    List<Component.Location> locations = List.of();
    if (json != null) {
      try {
        locations = dev.bulwark.server.http.Json.MAPPER.readValue(json, LOCATIONS);
      } catch (java.io.IOException e) {
        throw new SQLException("the stored locations of a component are not readable", e);
      }
    }
    if (source == null
        && sourceVersion == null
        && type == null
        && !recorded
        && locations.isEmpty()) {
      return Component.Origin.NONE;
    }
    return new Component.Origin(source, sourceVersion, type, recorded, locations);
  }

  /** The origin columns, for a SELECT that maps rows with {@link #origin}. */
  static final String ORIGIN_COLUMNS =
      "source_name, source_version, package_type, source_recorded, locations";

  /** One tool's counts of one SARIF upload. */
  record SarifUpload(
      long release,
      String tool,
      String kind,
      int results,
      int critical,
      int high,
      int medium,
      int low,
      Instant at) {}

  private static final String FIND =
      """
      SELECT r.id, s.name AS service, r.version, r.digest, r.created_at, r.sbom_sha256,
        r.sbom_format, r.sbom_pending, r.sbom_pending_at
      FROM releases r JOIN services s ON s.id = r.service_id
      WHERE s.name = :service AND r.version = :version AND
      """
          + TeamScope.SCOPE;

  Optional<Release> find(Handle h, Principal p, String service, String version) {
    return TeamScope.scoped(h.createQuery(FIND), p)
        .bind("service", service)
        .bind("version", version)
        .map(
            (rs, ctx) ->
                new Release(
                    rs.getLong("id"),
                    rs.getString("service"),
                    rs.getString("version"),
                    rs.getString("digest"),
                    Instant.ofEpochMilli(rs.getLong("created_at")),
                    rs.getString("sbom_sha256"),
                    rs.getString("sbom_format"),
                    rs.getString("sbom_pending"),
                    pendingAt(rs)))
        .findOne();
  }

  /** The upload that is writing the release, or null. */
  String pendingOf(Handle h, long release) {
    return h.createQuery("SELECT sbom_pending FROM releases WHERE id = :id")
        .bind("id", release)
        .mapTo(String.class)
        .findOne()
        .orElse(null);
  }

  private static Instant pendingAt(java.sql.ResultSet rs) throws SQLException {
    long at = rs.getLong("sbom_pending_at");
    return rs.wasNull() ? null : Instant.ofEpochMilli(at);
  }

  /** Marks the release as being written by {@code upload}; gates reading it now see a change. */
  void claim(Handle h, long release, String upload, Instant now) {
    h.createUpdate(
            "UPDATE releases SET sbom_pending = :u, sbom_pending_at = :now, facts_rev = facts_rev + 1 WHERE id = :id")
        .bind("u", upload)
        .bind("now", now.toEpochMilli())
        .bind("id", release)
        .execute();
  }

  /** True while {@code upload} still owns the release; also shows that it is alive. */
  boolean stillPending(Handle h, long release, String upload, Instant now) {
    return h.createUpdate(
                "UPDATE releases SET sbom_pending_at = :now WHERE id = :id AND sbom_pending = :u")
            .bind("u", upload)
            .bind("now", now.toEpochMilli())
            .bind("id", release)
            .execute()
        == 1;
  }

  /** True when the release's service was deleted (archived): its upload must not go on. */
  boolean serviceArchived(Handle h, long release) {
    return h.createQuery(
                """
            SELECT COUNT(*) FROM releases r JOIN service_records s ON s.id = r.service_id
            WHERE r.id = :id AND s.archived_at IS NOT NULL
            """)
            .bind("id", release)
            .mapTo(Long.class)
            .one()
        > 0;
  }

  /** Sets the SBOM and makes the upload's rows visible; false if the upload lost the release. */
  boolean publish(
      Handle h, long release, String upload, String sha256, String format, byte[] gzipped) {
    return h.createUpdate(
                """
                UPDATE releases SET sbom_sha256 = :sha, sbom_format = :f, sbom = :b,
                  sbom_pending = NULL, sbom_pending_at = NULL, facts_rev = facts_rev + 1
                WHERE id = :id AND sbom_pending = :u
                """)
            .bind("sha", sha256)
            .bind("f", format)
            .bind("b", gzipped)
            .bind("id", release)
            .bind("u", upload)
            .execute()
        == 1;
  }

  /**
   * Ends a failed or abandoned upload whose rows are gone: the release has no SBOM (a replace had
   * already withdrawn the old analysis).
   */
  boolean abandon(Handle h, long release, String upload) {
    return h.createUpdate(
                """
                UPDATE releases SET sbom_sha256 = NULL, sbom_format = NULL, sbom = NULL,
                  sbom_pending = NULL, sbom_pending_at = NULL, facts_rev = facts_rev + 1
                WHERE id = :id AND sbom_pending = :u
                """)
            .bind("id", release)
            .bind("u", upload)
            .execute()
        == 1;
  }

  /** Uploads not heard of since {@code before}: their node stopped while writing. */
  List<java.util.Map.Entry<Long, String>> abandoned(Handle h, Instant before) {
    return h.createQuery(
            "SELECT id, sbom_pending FROM releases WHERE sbom_pending IS NOT NULL AND sbom_pending_at < :t")
        .bind("t", before.toEpochMilli())
        .map((rs, ctx) -> java.util.Map.entry(rs.getLong("id"), rs.getString("sbom_pending")))
        .list();
  }

  /**
   * Deletes up to {@code limit} rows of each kind of the release's analysis; returns how many went
   * (0 when none are left). Rows that refer to findings (ids, events, risk requests) go with them.
   */
  int deleteAnalysisStep(Handle h, long release, int limit) {
    int n =
        h.createUpdate(
                "DELETE FROM findings WHERE id IN (SELECT id FROM findings WHERE release_id = :r LIMIT :n)")
            .bind("r", release)
            .bind("n", limit)
            .execute();
    n +=
        h.createUpdate(
                "DELETE FROM release_dependencies WHERE release_id = :r AND ref IN (SELECT DISTINCT ref FROM release_dependencies WHERE release_id = :r LIMIT :n)")
            .bind("r", release)
            .bind("n", Math.max(1, limit / 4))
            .execute();
    n +=
        h.createUpdate(
                "DELETE FROM release_components WHERE release_id = :r AND ref IN (SELECT ref FROM release_components WHERE release_id = :r LIMIT :n)")
            .bind("r", release)
            .bind("n", limit)
            .execute();
    return n;
  }

  void insert(Handle h, String service, String version, String digest, Instant at) {
    h.createUpdate(
            "INSERT INTO releases (service_id, version, digest, created_at) VALUES ((SELECT id FROM services WHERE name = :s), :v, :d, :at)")
        .bind("s", service)
        .bind("v", version)
        .bind("d", digest)
        .bind("at", at.toEpochMilli())
        .execute();
  }

  /**
   * Raises the release's facts revision; only {@link ReleaseRevisions} calls it, for the changes
   * the audit log records.
   */
  static void touch(Handle h, long release) {
    h.createUpdate("UPDATE releases SET facts_rev = facts_rev + 1 WHERE id = :r")
        .bind("r", release)
        .execute();
  }

  static void touchService(Handle h, long serviceId) {
    h.createUpdate("UPDATE releases SET facts_rev = facts_rev + 1 WHERE service_id = :s")
        .bind("s", serviceId)
        .execute();
  }

  static void touchAll(Handle h) {
    h.createUpdate("UPDATE releases SET facts_rev = facts_rev + 1").execute();
  }

  void insertDependencies(Handle h, long release, java.util.Map<String, List<String>> graph) {
    try (PreparedStatement ps =
        h.getConnection()
            .prepareStatement(
                "INSERT INTO release_dependencies (release_id, ref, depends_on) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")) {
      for (var e : graph.entrySet()) {
        for (String dep : new java.util.LinkedHashSet<>(e.getValue())) {
          ps.setLong(1, release);
          ps.setString(2, e.getKey());
          ps.setString(3, dep);
          ps.addBatch();
        }
      }
      ps.executeBatch();
    } catch (SQLException e) {
      throw new IllegalStateException("cannot store the dependency graph", e);
    }
  }

  /** ref -> the refs it depends on, sorted. */
  java.util.Map<String, List<String>> dependencies(Handle h, long release) {
    java.util.Map<String, List<String>> out = new java.util.TreeMap<>();
    h.createQuery(
            "SELECT ref, depends_on FROM release_dependencies WHERE release_id = :r AND "
                + TeamScope.VISIBLE_R
                + " ORDER BY ref, depends_on")
        .bind("r", release)
        .map((rs, ctx) -> java.util.Map.entry(rs.getString("ref"), rs.getString("depends_on")))
        .forEach(
            e ->
                out.computeIfAbsent(e.getKey(), k -> new java.util.ArrayList<>())
                    .add(e.getValue()));
    return out;
  }

  void insertComponents(Handle h, long release, List<ComponentRow> rows) {
    try (PreparedStatement ps =
        h.getConnection()
            .prepareStatement(
                """
                INSERT INTO release_components (release_id, ref, name, version, purl, ecosystem,
                  package, source_name, source_version, package_type, source_recorded, locations)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)) {
      for (ComponentRow c : rows) {
        Component.Origin o = c.origin();
        ps.setLong(1, release);
        ps.setString(2, c.ref());
        ps.setString(3, c.name());
        ps.setString(4, c.version());
        ps.setString(5, c.purl());
        ps.setString(6, c.ecosystem());
        ps.setString(7, c.pkg());
        ps.setString(8, o.sourceName());
        ps.setString(9, o.sourceVersion());
        ps.setString(10, o.packageType());
        ps.setInt(11, o.sourceRecorded() ? 1 : 0);
        ps.setString(12, locationsJson(o.locations()));
        ps.addBatch();
      }
      ps.executeBatch();
    } catch (SQLException e) {
      throw new IllegalStateException("cannot store the components", e);
    }
  }

  List<ComponentRow> components(Handle h, long release) {
    return h.createQuery(
            "SELECT ref, name, version, purl, ecosystem, package, "
                + ORIGIN_COLUMNS
                + " FROM release_components WHERE release_id = :r AND "
                + TeamScope.VISIBLE_R
                + " ORDER BY ref")
        .bind("r", release)
        .map(
            (rs, ctx) ->
                new ComponentRow(
                    rs.getString("ref"),
                    rs.getString("name"),
                    rs.getString("version"),
                    rs.getString("purl"),
                    rs.getString("ecosystem"),
                    rs.getString("package"),
                    origin(rs)))
        .list();
  }

  /** Inserts code findings, skipping ones already known; returns how many were new. */
  int insertCodeFindings(Handle h, long release, List<SarifReport.Result> results, Instant at) {
    int added = 0;
    for (SarifReport.Result r : results) {
      added +=
          h.createUpdate(
                  """
                  INSERT INTO code_findings (release_id, tool, rule_id, level, message, uri, start_line, fingerprint, first_seen)
                  VALUES (:r, :tool, :rule, :level, :message, :uri, :line, :fp, :at)
                  ON CONFLICT (release_id, tool, fingerprint) DO NOTHING
                  """)
              .bind("r", release)
              .bind("tool", r.tool())
              .bind("rule", r.ruleId())
              .bind("level", r.level())
              .bind("message", r.message())
              .bind("uri", r.uri())
              .bind("line", r.startLine())
              .bind("fp", r.fingerprint())
              .bind("at", at.toEpochMilli())
              .execute();
    }
    return added;
  }

  List<Releases.CodeFinding> codeFindings(Handle h, long release) {
    return h.createQuery(
            "SELECT tool, rule_id, level, message, uri, start_line, fingerprint, first_seen FROM code_findings WHERE release_id = :r ORDER BY tool, rule_id, uri, start_line")
        .bind("r", release)
        .map(
            (rs, ctx) -> {
              int line = rs.getInt("start_line");
              Integer l = rs.wasNull() ? null : line;
              return new Releases.CodeFinding(
                  "code",
                  rs.getString("tool"),
                  rs.getString("rule_id"),
                  rs.getString("level"),
                  rs.getString("message"),
                  rs.getString("uri"),
                  l,
                  rs.getString("fingerprint"),
                  Instant.ofEpochMilli(rs.getLong("first_seen")));
            })
        .list();
  }

  void insertSarifUpload(Handle h, SarifUpload u) {
    h.createUpdate(
            """
            INSERT INTO sarif_uploads
              (release_id, tool, kind, results, critical, high, medium, low, uploaded_at)
            VALUES (:release, :tool, :kind, :results, :critical, :high, :medium, :low, :atMillis)
            """)
        .bind("release", u.release())
        .bind("tool", u.tool())
        .bind("kind", u.kind())
        .bind("results", u.results())
        .bind("critical", u.critical())
        .bind("high", u.high())
        .bind("medium", u.medium())
        .bind("low", u.low())
        .bind("atMillis", u.at().toEpochMilli())
        .execute();
  }

  long componentCount(Handle h, long release) {
    return h.createQuery("SELECT COUNT(*) FROM release_components WHERE release_id = :r")
        .bind("r", release)
        .mapTo(Long.class)
        .one();
  }

  /** The latest SARIF upload of each tool. */
  List<Releases.ToolSummary> toolSummaries(Handle h, long release) {
    return h.createQuery(
            """
            SELECT tool, kind, results, critical, high, medium, low FROM sarif_uploads
            WHERE id IN (SELECT MAX(id) FROM sarif_uploads WHERE release_id = :r GROUP BY tool)
            ORDER BY tool
            """)
        .bind("r", release)
        .map(
            (rs, ctx) ->
                new Releases.ToolSummary(
                    rs.getString("tool"),
                    rs.getString("kind"),
                    rs.getLong("results"),
                    rs.getLong("critical"),
                    rs.getLong("high"),
                    rs.getLong("medium"),
                    rs.getLong("low")))
        .list();
  }

  /**
   * The releases of one service the caller may see, newest first, at most {@code limit}: what a
   * service page lists. An unknown service and one of another team both give no rows.
   */
  List<Release> releasesOf(Handle h, Principal p, String service, int limit) {
    return TeamScope.scoped(
            h.createQuery(
                """
                SELECT r.id, s.name AS service, r.version, r.digest, r.created_at, r.sbom_sha256,
                  r.sbom_format, r.sbom_pending, r.sbom_pending_at
                FROM releases r JOIN services s ON s.id = r.service_id
                WHERE s.name = :service AND
                """
                    + TeamScope.SCOPE
                    + " ORDER BY r.created_at DESC, r.id DESC LIMIT :limit"),
            p)
        .bind("service", service)
        .bind("limit", limit)
        .map(
            (rs, ctx) ->
                new Release(
                    rs.getLong("id"),
                    rs.getString("service"),
                    rs.getString("version"),
                    rs.getString("digest"),
                    Instant.ofEpochMilli(rs.getLong("created_at")),
                    rs.getString("sbom_sha256"),
                    rs.getString("sbom_format"),
                    rs.getString("sbom_pending"),
                    pendingAt(rs)))
        .list();
  }
}
