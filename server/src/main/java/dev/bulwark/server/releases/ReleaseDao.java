package dev.bulwark.server.releases;

import dev.bulwark.server.auth.Principal;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.EmptyHandling;
import org.jdbi.v3.core.statement.SqlStatement;

/**
 * SQL of releases, their components and findings. Every read joins the owning service and carries
 * the caller's team scope in its WHERE clause, as the catalog's statements do.
 */
public final class ReleaseDao {
  /** The team scope inside the SQL; shared by every query of this feature over services s. */
  static final String SCOPE = "(:all OR s.team IN (<teams>))";

  /**
   * A release's analysis (components, dependencies, findings) is visible unless an SBOM upload is
   * still writing it (docs/adr/0008); for statements over {@code releases r}.
   */
  static final String VISIBLE = "r.sbom_pending IS NULL";

  /** The same for statements that name the release by {@code :r}. */
  private static final String VISIBLE_R =
      "EXISTS (SELECT 1 FROM releases v WHERE v.id = :r AND v.sbom_pending IS NULL)";

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

  record ComponentRow(
      String ref, String name, String version, String purl, String ecosystem, String pkg) {}

  record FindingRow(
      String componentRef,
      String purl,
      String vulnId,
      String aliasesJson,
      List<String> ids,
      String severity,
      Double score,
      String fixed,
      String summary) {}

  static <S extends SqlStatement<S>> S scoped(S st, Principal p) {
    return st.bind("all", p.allTeams()).bindList(EmptyHandling.NULL_KEYWORD, "teams", p.teams());
  }

  Optional<Release> find(Handle h, Principal p, String service, String version) {
    return scoped(
            h.createQuery(
                "SELECT r.id, s.name AS service, r.version, r.digest, r.created_at, r.sbom_sha256, r.sbom_format, "
                    + "r.sbom_pending, r.sbom_pending_at "
                    + "FROM releases r JOIN services s ON s.id = r.service_id "
                    + "WHERE s.name = :service AND r.version = :version AND "
                    + SCOPE),
            p)
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

  /**
   * The packages carried-over decisions name (those taken since {@code since}, or all when null):
   * only their findings need a carry-over pass.
   */
  java.util.Set<String> decidedPackages(Handle h, Instant since) {
    return new java.util.HashSet<>(
        h.createQuery("SELECT DISTINCT ecosystem, package FROM decisions WHERE at >= :since")
            .bind("since", since == null ? Long.MIN_VALUE : since.toEpochMilli())
            .map((rs, ctx) -> rs.getString("ecosystem") + ":" + rs.getString("package"))
            .list());
  }

  /**
   * Inserts findings with one multi-row statement and their ids with one batch (on PostgreSQL
   * rewritten into multi-row inserts by the driver). At most 3,000 rows: the statement binds ten
   * parameters per row, and SQLite takes at most 32,766.
   */
  void insertFindingsBatched(Handle h, long release, List<FindingRow> rows, Instant at) {
    if (rows.isEmpty()) {
      return;
    }
    java.sql.Connection c = h.getConnection();
    // One multi-row statement that returns the new ids: no second lookup (which on PostgreSQL, with
    // the statistics of a table that has just grown, can turn into a scan per step).
    StringBuilder sql =
        new StringBuilder(
            "INSERT INTO findings (release_id, component_ref, purl, vuln_id, aliases, severity, score, fixed, summary, state, first_seen) VALUES ");
    for (int i = 0; i < rows.size(); i++) {
      sql.append(i == 0 ? "" : ", ").append("(?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?)");
    }
    sql.append(" RETURNING id, component_ref, vuln_id");
    java.util.Map<String, Long> idOf = new java.util.HashMap<>();
    try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
      int p = 1;
      for (FindingRow f : rows) {
        ps.setLong(p++, release);
        ps.setString(p++, f.componentRef());
        ps.setString(p++, f.purl());
        ps.setString(p++, f.vulnId());
        ps.setString(p++, f.aliasesJson());
        ps.setString(p++, f.severity());
        if (f.score() == null) {
          ps.setNull(p++, java.sql.Types.DOUBLE);
        } else {
          ps.setDouble(p++, f.score());
        }
        ps.setString(p++, f.fixed());
        ps.setString(p++, f.summary());
        ps.setLong(p++, at.toEpochMilli());
      }
      try (java.sql.ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          idOf.put(rs.getString(2) + "\n" + rs.getString(3), rs.getLong(1));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot store the findings", e);
    }
    try (PreparedStatement ps =
        c.prepareStatement("INSERT INTO finding_ids (finding_id, vuln_id) VALUES (?, ?)")) {
      for (FindingRow f : rows) {
        long id = idOf.get(f.componentRef() + "\n" + f.vulnId());
        for (String vid : new java.util.LinkedHashSet<>(f.ids())) {
          ps.setLong(1, id);
          ps.setString(2, vid);
          ps.addBatch();
        }
      }
      ps.executeBatch();
    } catch (SQLException e) {
      throw new IllegalStateException("cannot store the findings' ids", e);
    }
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

  void setSbom(Handle h, long release, String sha256, String format, byte[] gzipped) {
    h.createUpdate(
            "UPDATE releases SET sbom_sha256 = :sha, sbom_format = :f, sbom = :b, facts_rev = facts_rev + 1 WHERE id = :id")
        .bind("sha", sha256)
        .bind("f", format)
        .bind("b", gzipped)
        .bind("id", release)
        .execute();
  }

  /**
   * Raises the release's facts revision: every change to what a gate reads about the release does
   * this in its own transaction (see V11), so a cached gate input is never stale.
   */
  public static void touch(Handle h, long release) {
    h.createUpdate("UPDATE releases SET facts_rev = facts_rev + 1 WHERE id = :r")
        .bind("r", release)
        .execute();
  }

  void clearAnalysis(Handle h, long release) {
    touch(h, release);
    h.createUpdate(
            "DELETE FROM finding_ids WHERE finding_id IN (SELECT id FROM findings WHERE release_id = :r)")
        .bind("r", release)
        .execute();
    h.createUpdate("DELETE FROM findings WHERE release_id = :r").bind("r", release).execute();
    h.createUpdate("DELETE FROM release_components WHERE release_id = :r")
        .bind("r", release)
        .execute();
    h.createUpdate("DELETE FROM release_dependencies WHERE release_id = :r")
        .bind("r", release)
        .execute();
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
                + VISIBLE_R
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
                "INSERT INTO release_components (release_id, ref, name, version, purl, ecosystem, package) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
      for (ComponentRow c : rows) {
        ps.setLong(1, release);
        ps.setString(2, c.ref());
        ps.setString(3, c.name());
        ps.setString(4, c.version());
        ps.setString(5, c.purl());
        ps.setString(6, c.ecosystem());
        ps.setString(7, c.pkg());
        ps.addBatch();
      }
      ps.executeBatch();
    } catch (SQLException e) {
      throw new IllegalStateException("cannot store the components", e);
    }
  }

  void insertFindings(Handle h, long release, List<FindingRow> rows, Instant at) {
    if (!rows.isEmpty()) {
      touch(h, release);
    }
    for (FindingRow f : rows) {
      long id =
          h.createUpdate(
                  """
                  INSERT INTO findings (release_id, component_ref, purl, vuln_id, aliases, severity, score, fixed, summary, state, first_seen)
                  VALUES (:r, :ref, :purl, :vuln, :aliases, :sev, :score, :fixed, :summary, 'open', :at)
                  """)
              .bind("r", release)
              .bind("ref", f.componentRef())
              .bind("purl", f.purl())
              .bind("vuln", f.vulnId())
              .bind("aliases", f.aliasesJson())
              .bind("sev", f.severity())
              .bind("score", f.score())
              .bind("fixed", f.fixed())
              .bind("summary", f.summary())
              .bind("at", at.toEpochMilli())
              .executeAndReturnGeneratedKeys("id")
              .mapTo(Long.class)
              .one();
      for (String vid : f.ids()) {
        h.createUpdate(
                "INSERT INTO finding_ids (finding_id, vuln_id) VALUES (:f, :v) ON CONFLICT DO NOTHING")
            .bind("f", id)
            .bind("v", vid)
            .execute();
      }
    }
  }

  /** A finding as the API shows it. */
  record Finding(
      String id,
      List<String> aliases,
      String severity,
      Double score,
      String purl,
      String component,
      String fixed,
      String summary,
      String state,
      Instant firstSeen,
      Instant due,
      long findingId,
      String justification,
      String reason,
      Instant expiresAt,
      String note) {}

  /** An open finding with what its SLA needs: the service's team, criticality and area. */
  record OpenFinding(
      String service,
      String team,
      String criticality,
      String area,
      String version,
      String id,
      String severity,
      String purl,
      Instant firstSeen,
      long findingId) {}

  List<OpenFinding> openFindings(Handle h, Principal p, String team, Instant now) {
    return scoped(
            h.createQuery(
                "SELECT s.name AS service, s.team, s.criticality, s.area, r.version, f.vuln_id, f.severity, f.purl, f.first_seen, f.id "
                    + "FROM findings f JOIN releases r ON r.id = f.release_id JOIN services s ON s.id = r.service_id "
                    + "WHERE (f.state = 'open' OR (f.state = 'risk_accepted' AND f.expires_at <= :now)) AND "
                    + SCOPE
                    + " AND "
                    + VISIBLE
                    + " AND (:team IS NULL OR s.team = :team) ORDER BY f.first_seen, s.name"),
            p)
        .bind("team", team)
        .bind("now", now.toEpochMilli())
        .map(
            (rs, ctx) ->
                new OpenFinding(
                    rs.getString("service"),
                    rs.getString("team"),
                    rs.getString("criticality"),
                    rs.getString("area"),
                    rs.getString("version"),
                    rs.getString("vuln_id"),
                    rs.getString("severity"),
                    rs.getString("purl"),
                    Instant.ofEpochMilli(rs.getLong("first_seen")),
                    rs.getLong("id")))
        .list();
  }

  List<Finding> findings(
      Handle h, long release, java.util.function.BiFunction<String, Instant, Instant> due) {
    return h.createQuery(
            "SELECT id, vuln_id, aliases, severity, score, purl, component_ref, fixed, summary, state, first_seen, justification, state_reason, expires_at FROM findings WHERE release_id = :r AND "
                + VISIBLE_R
                + " ORDER BY vuln_id, component_ref")
        .bind("r", release)
        .map(
            (rs, ctx) -> {
              double score = rs.getDouble("score");
              Double s = rs.wasNull() ? null : score;
              return new Finding(
                  rs.getString("vuln_id"),
                  ReleaseJson.strings(rs.getString("aliases")),
                  rs.getString("severity"),
                  s,
                  rs.getString("purl"),
                  rs.getString("component_ref"),
                  rs.getString("fixed"),
                  rs.getString("summary"),
                  rs.getString("state"),
                  Instant.ofEpochMilli(rs.getLong("first_seen")),
                  due.apply(
                      rs.getString("severity"), Instant.ofEpochMilli(rs.getLong("first_seen"))),
                  rs.getLong("id"),
                  rs.getString("justification"),
                  rs.getString("state_reason"),
                  expires(rs),
                  null);
            })
        .list();
  }

  List<ComponentRow> components(Handle h, long release) {
    return h.createQuery(
            "SELECT ref, name, version, purl, ecosystem, package FROM release_components WHERE release_id = :r AND "
                + VISIBLE_R
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
                    rs.getString("package")))
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

  record CodeFinding(
      String kind,
      String tool,
      String ruleId,
      String level,
      String message,
      String uri,
      Integer startLine,
      String fingerprint,
      Instant firstSeen) {}

  List<CodeFinding> codeFindings(Handle h, long release) {
    return h.createQuery(
            "SELECT tool, rule_id, level, message, uri, start_line, fingerprint, first_seen FROM code_findings WHERE release_id = :r ORDER BY tool, rule_id, uri, start_line")
        .bind("r", release)
        .map(
            (rs, ctx) -> {
              int line = rs.getInt("start_line");
              Integer l = rs.wasNull() ? null : line;
              return new CodeFinding(
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

  long count(Handle h, String table, long release) {
    return h.createQuery("SELECT COUNT(*) FROM " + table + " WHERE release_id = :r")
        .bind("r", release)
        .mapTo(Long.class)
        .one();
  }

  /** A release that contains a package, with the component's version. */
  record Hit(
      String service,
      String team,
      String version,
      String digest,
      String componentVersion,
      String purl) {}

  private static Instant expires(java.sql.ResultSet rs) throws SQLException {
    long e = rs.getLong("expires_at");
    return rs.wasNull() ? null : Instant.ofEpochMilli(e);
  }

  private static Hit hit(java.sql.ResultSet rs) throws SQLException {
    return new Hit(
        rs.getString("service"),
        rs.getString("team"),
        rs.getString("version"),
        rs.getString("digest"),
        rs.getString("cversion"),
        rs.getString("purl"));
  }

  List<Hit> withPackage(Handle h, Principal p, String ecosystem, String pkg) {
    return scoped(
            h.createQuery(
                "SELECT s.name AS service, s.team, r.version, r.digest, c.version AS cversion, c.purl FROM release_components c "
                    + "JOIN releases r ON r.id = c.release_id JOIN services s ON s.id = r.service_id "
                    + "WHERE c.ecosystem = :eco AND c.package = :pkg AND "
                    + VISIBLE
                    + " AND "
                    + SCOPE
                    + " ORDER BY s.name, r.version"),
            p)
        .bind("eco", ecosystem)
        .bind("pkg", pkg)
        .map((rs, ctx) -> hit(rs))
        .list();
  }

  /** Releases with an open finding known by {@code anyId} (record id or alias). */
  List<Hit> affectedBy(Handle h, Principal p, String anyId) {
    return scoped(
            h.createQuery(
                "SELECT DISTINCT s.name AS service, s.team, r.version, r.digest, c.version AS cversion, f.purl FROM finding_ids i "
                    + "JOIN findings f ON f.id = i.finding_id JOIN releases r ON r.id = f.release_id "
                    + "JOIN services s ON s.id = r.service_id "
                    + "LEFT JOIN release_components c ON c.release_id = f.release_id AND c.ref = f.component_ref "
                    + "WHERE i.vuln_id = :id AND "
                    + VISIBLE
                    + " AND "
                    + SCOPE
                    + " ORDER BY s.name, r.version"),
            p)
        .bind("id", anyId)
        .map((rs, ctx) -> hit(rs))
        .list();
  }
}
