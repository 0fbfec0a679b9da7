package dev.bulwark.server.ledger;

import dev.bulwark.ledger.LedgerEntry;
import dev.bulwark.ledger.NodeSource;
import dev.bulwark.ledger.TreeBuilder;
import dev.bulwark.server.db.Dialect;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** SQL of the ledger tables. Entries are appended only here; nothing updates or deletes them. */
public final class LedgerStore {
  private final Jdbi jdbi;
  private final Dialect dialect;

  /**
   * The tree's right frontier as the one writer last left it. Only the writer thread touches it
   * (batches run one at a time); when it disagrees with the stored size (a rolled-back batch,
   * another server node) it is rebuilt from the stored nodes.
   */
  private TreeBuilder frontier;

  public LedgerStore(Jdbi jdbi, Dialect dialect) {
    this.jdbi = jdbi;
    this.dialect = dialect;
  }

  /** An entry to append: everything but its index, which the ledger assigns. */
  public record Draft(
      Instant time,
      String actor,
      String action,
      Map<String, String> subject,
      String requestId,
      String beforeDigest,
      String afterDigest,
      String payload) {}

  /** A stored entry: its index, canonical bytes and the payload row beside it. */
  public record Stored(long index, String canonical, String payload) {
    public byte[] bytes() {
      return canonical.getBytes(StandardCharsets.UTF_8);
    }
  }

  /**
   * Appends in the caller's transaction. The 'size' row is locked first, which serializes appenders
   * on PostgreSQL (SQLite serializes writers anyway), so indexes have no gaps and commit in order.
   */
  public List<Long> append(Handle h, List<Draft> drafts) {
    var batch = dev.bulwark.server.db.WriteBatcher.batchOf(h);
    if (batch.isPresent() && batch.get().deferrable()) {
      return appendDeferred(h, batch.get(), drafts);
    }
    long next =
        h.createQuery("SELECT value FROM ledger_state WHERE name = 'size'" + dialect.forUpdate())
            .mapTo(Long.class)
            .one();
    List<Row> rows = new ArrayList<>(drafts.size());
    List<Long> indexes = new ArrayList<>(drafts.size());
    for (Draft d : drafts) {
      rows.add(row(next, d));
      indexes.add(next++);
    }
    insert(h, rows);
    h.createUpdate("UPDATE ledger_state SET value = :v WHERE name = 'size'")
        .bind("v", next)
        .execute();
    return indexes;
  }

  private record Row(long idx, String entry, Draft draft) {}

  /**
   * Pending rows of one batch transaction: indexes are assigned now, rows are written at commit.
   */
  private static final class Pending {
    long next = -1;
    final List<Row> rows = new ArrayList<>();
  }

  /**
   * Inside a batch on its fast path: the 'size' and 'hashed' rows are read (and locked) once per
   * batch, entries get their indexes at once, and just before the commit all rows go in with one
   * batched insert, their tree nodes with another, and both counters with one update. Every round
   * trip saved here is saved on every change (on PostgreSQL each costs about 0.1 ms).
   */
  private List<Long> appendDeferred(
      Handle h, dev.bulwark.server.db.WriteBatcher.Batch batch, List<Draft> drafts) {
    Pending p = batch.attribute("ledger.pending", Pending::new);
    if (p.next < 0) {
      // Locked in name order, 'hashed' then 'size': the ledger writer locks only 'hashed', a
      // non-batched append only 'size', so no two lockers can wait on each other.
      Map<String, Long> state = new HashMap<>();
      for (Map.Entry<String, Long> e :
          h.createQuery(
                  "SELECT name, value FROM ledger_state WHERE name IN ('hashed', 'size') ORDER BY name"
                      + dialect.forUpdate())
              .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getLong(2)))
              .list()) {
        state.put(e.getKey(), e.getValue());
      }
      long start = state.get("size");
      long hashed = state.get("hashed");
      p.next = start;
      batch.beforeCommit(
          "ledger.flush",
          () -> {
            // Hashed inline unless older entries still wait for the ledger writer.
            boolean inline = hashed == start;
            List<TreeBuilder.Node> nodes = inline ? hashInline(h, start, p.rows) : List.of();
            long nowHashed = inline ? p.next : hashed;
            if (dialect == Dialect.POSTGRESQL) {
              flushInOneStatement(h, p.rows, nodes, p.next, nowHashed);
              return;
            }
            insert(h, p.rows);
            putNodes(h, nodes);
            h.createUpdate(
                    """
                    UPDATE ledger_state SET value = CASE name WHEN 'size' THEN :size ELSE :hashed END
                    WHERE name IN ('hashed', 'size')
                    """)
                .bind("size", p.next)
                .bind("hashed", nowHashed)
                .execute();
          });
    }
    List<Long> indexes = new ArrayList<>(drafts.size());
    for (Draft d : drafts) {
      p.rows.add(row(p.next, d));
      indexes.add(p.next++);
    }
    return indexes;
  }

  /**
   * Folds the batch's entries, which start at {@code start} with every entry before them hashed,
   * into the tree, so entries and their nodes commit together in the same transaction and the tree
   * never lags, and returns the new nodes to store. When older entries are still unhashed (left by
   * an older version or a non-batched append), the ledger writer catches those up in order instead.
   */
  private List<TreeBuilder.Node> hashInline(Handle h, long start, List<Row> rows) {
    if (frontier == null || frontier.size() != start) {
      frontier = TreeBuilder.resume(start, nodeSource(h));
    }
    List<TreeBuilder.Node> nodes = new ArrayList<>(rows.size() * 2);
    for (Row r : rows) {
      nodes.addAll(
          frontier.append(
              dev.bulwark.ledger.Hashes.leaf(r.entry().getBytes(StandardCharsets.UTF_8))));
    }
    return nodes;
  }

  /**
   * PostgreSQL only: the batch's entries, their tree nodes and both counters in one statement, so
   * one round trip instead of three. Each insert takes its rows as parallel arrays (one parameter
   * per column, whatever the batch size), and data-modifying WITH clauses always run to completion,
   * whether the outer statement reads them or not. SQLite runs in-process, where a round trip costs
   * nothing, and has no such statement.
   */
  private static void flushInOneStatement(
      Handle h, List<Row> rows, List<TreeBuilder.Node> nodes, long size, long hashed) {
    int n = rows.size();
    Long[] idx = new Long[n];
    String[] entry = new String[n];
    String[] kind = new String[n];
    String[] id = new String[n];
    String[] service = new String[n];
    Long[] at = new Long[n];
    String[] payload = new String[n];
    for (int i = 0; i < n; i++) {
      Row r = rows.get(i);
      Draft d = r.draft();
      idx[i] = r.idx();
      entry[i] = r.entry();
      kind[i] = d.subject().get("kind");
      id[i] = d.subject().get("id");
      service[i] = serviceOf(d);
      at[i] = d.time().toEpochMilli();
      payload[i] = d.payload();
    }
    Integer[] level = new Integer[nodes.size()];
    Long[] nodeIdx = new Long[nodes.size()];
    byte[][] hash = new byte[nodes.size()][];
    for (int i = 0; i < nodes.size(); i++) {
      level[i] = nodes.get(i).level();
      nodeIdx[i] = nodes.get(i).index();
      hash[i] = nodes.get(i).hash();
    }
    java.sql.Connection c = h.getConnection();
    try (java.sql.PreparedStatement ps =
        c.prepareStatement(
            """
            WITH entries AS (
              INSERT INTO ledger_entries (idx, entry, subject_kind, subject_id, service, at, payload)
              SELECT * FROM unnest(?::bigint[], ?::text[], ?::text[], ?::text[], ?::text[],
                ?::bigint[], ?::text[])
            ), nodes AS (
              INSERT INTO ledger_nodes (level, idx, hash)
              SELECT * FROM unnest(?::integer[], ?::bigint[], ?::bytea[])
            )
            UPDATE ledger_state SET value = CASE name WHEN 'size' THEN ? ELSE ? END
            WHERE name IN ('hashed', 'size')
            """)) {
      ps.setArray(1, c.createArrayOf("bigint", idx));
      ps.setArray(2, c.createArrayOf("text", entry));
      ps.setArray(3, c.createArrayOf("text", kind));
      ps.setArray(4, c.createArrayOf("text", id));
      ps.setArray(5, c.createArrayOf("text", service));
      ps.setArray(6, c.createArrayOf("bigint", at));
      ps.setArray(7, c.createArrayOf("text", payload));
      ps.setArray(8, c.createArrayOf("integer", level));
      ps.setArray(9, c.createArrayOf("bigint", nodeIdx));
      ps.setArray(10, c.createArrayOf("bytea", hash));
      ps.setLong(11, size);
      ps.setLong(12, hashed);
      if (ps.executeUpdate() != 2) {
        throw new IllegalStateException("the ledger counters are missing");
      }
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException("cannot append ledger entries", e);
    }
  }

  /** The service an entry is filed under: named in its subject, or the subject itself. */
  private static String serviceOf(Draft d) {
    return d.subject()
        .getOrDefault(
            "service", "service".equals(d.subject().get("kind")) ? d.subject().get("id") : null);
  }

  private static Row row(long idx, Draft d) {
    LedgerEntry e =
        new LedgerEntry(
            idx,
            d.time(),
            d.actor(),
            d.action(),
            d.subject(),
            d.requestId(),
            d.beforeDigest(),
            d.afterDigest());
    return new Row(idx, new String(e.canonicalBytes(), StandardCharsets.UTF_8), d);
  }

  /**
   * Plain JDBC batches, not Jdbi's named binding: this insert runs once per entry on the one writer
   * thread, and binding by name cost more than SQLite's own work.
   */
  private static void insert(Handle h, List<Row> rows) {
    if (rows.isEmpty()) {
      return;
    }
    try (java.sql.PreparedStatement ps =
        h.getConnection()
            .prepareStatement(
                "INSERT INTO ledger_entries (idx, entry, subject_kind, subject_id, service, at, payload) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
      for (Row r : rows) {
        Draft d = r.draft();
        ps.setLong(1, r.idx());
        ps.setString(2, r.entry());
        ps.setString(3, d.subject().get("kind"));
        ps.setString(4, d.subject().get("id"));
        ps.setString(5, serviceOf(d));
        ps.setLong(6, d.time().toEpochMilli());
        ps.setString(7, d.payload());
        ps.addBatch();
      }
      ps.executeBatch();
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException("cannot append ledger entries", e);
    }
  }

  public long size() {
    return state("size");
  }

  public long hashed() {
    return state("hashed");
  }

  private long state(String name) {
    return jdbi.withHandle(
        h ->
            h.createQuery("SELECT value FROM ledger_state WHERE name = :n")
                .bind("n", name)
                .mapTo(Long.class)
                .one());
  }

  public List<Stored> entries(Handle h, long from, long to) {
    return h.createQuery(
            "SELECT idx, entry, payload FROM ledger_entries WHERE idx >= :from AND idx < :to ORDER BY idx")
        .bind("from", from)
        .bind("to", to)
        .map(
            (rs, ctx) ->
                new Stored(rs.getLong("idx"), rs.getString("entry"), rs.getString("payload")))
        .list();
  }

  public List<Stored> entries(long from, long to) {
    return jdbi.withHandle(h -> entries(h, from, to));
  }

  /** Entries filtered for an evidence bundle, in index order, below {@code size}. */
  public List<Stored> select(String service, Instant since, Instant until, long size, int limit) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    """
                    SELECT idx, entry, payload FROM ledger_entries
                    WHERE idx < :size AND (:service IS NULL OR service = :service)
                      AND (:since IS NULL OR at >= :since) AND (:until IS NULL OR at < :until)
                    ORDER BY idx LIMIT :limit
                    """)
                .bind("size", size)
                .bind("service", service)
                .bind("since", since == null ? null : since.toEpochMilli())
                .bind("until", until == null ? null : until.toEpochMilli())
                .bind("limit", limit)
                .map(
                    (rs, ctx) ->
                        new Stored(
                            rs.getLong("idx"), rs.getString("entry"), rs.getString("payload")))
                .list());
  }

  /**
   * Newest entries first, optionally about one subject, limited to {@code teams} unless {@code
   * all}. An entry belongs to the team its subject names. An entry that names only a service (a
   * release, a gate decision, a waiver) belongs to the team that owned the service when the entry
   * was written: the team of the latest service entry before it, or, when there is none or it is
   * the service's deletion (a catalog import records no entry per service), the owner of the
   * service row created at or before the entry's time. So a service deleted and created again by
   * another team does not hand its history over. An entry that names neither (tokens, global policy
   * bundles, advisory syncs, backups) is visible only to all-teams readers. The first clause only
   * narrows, to services the teams own or ever owned (computed once), so that entries about other
   * teams' services are passed over without reading their JSON.
   */
  public List<Stored> recent(String kind, String id, int limit, boolean all, List<String> teams) {
    String json =
        dialect == Dialect.POSTGRESQL
            ? "(%s.entry::jsonb #>> '{%s}')"
            : "json_extract(%s.entry, '$.%s')";
    String scope =
        all
            ? ""
            : """
              AND (e.service IS NULL OR %se.service IN (
                SELECT v.name FROM services v WHERE v.team IN (<teams>)
                UNION
                SELECT o.subject_id FROM ledger_entries o
                WHERE o.subject_kind = 'service' AND %s IN (<teams>)))
              AND COALESCE(%s,
                (SELECT CASE WHEN %s = 'service.delete' THEN NULL ELSE %s END
                 FROM ledger_entries s
                 WHERE s.subject_kind = 'service' AND s.subject_id = e.service AND s.idx < e.idx
                 ORDER BY s.idx DESC LIMIT 1),
                (SELECT v.team FROM services v WHERE v.name = e.service AND v.created_at <= e.at
                 ORDER BY v.created_at DESC LIMIT 1)) IN (<teams>)
              """
                .formatted(
                    // SQLite: the unary + keeps the planner on the newest-first scan, which stops
                    // at the limit, instead of the service index, which reads all of a team's rows.
                    dialect == Dialect.SQLITE ? "+" : "",
                    path(json, "o", "subject.team"),
                    path(json, "e", "subject.team"),
                    path(json, "s", "action"),
                    path(json, "s", "subject.team"));
    return jdbi.inTransaction(
        h -> {
          if (!all && dialect == Dialect.POSTGRESQL) {
            // The JSON reads make the planner's estimate large enough to JIT-compile the query,
            // which then costs several times what running it does.
            h.execute("SET LOCAL jit = off");
          }
          var q =
              h.createQuery(
                      """
                      SELECT e.idx, e.entry, e.payload FROM ledger_entries e
                      WHERE (:kind IS NULL OR e.subject_kind = :kind)
                        AND (:id IS NULL OR e.subject_id = :id)
                      """
                          + scope
                          + "ORDER BY e.idx DESC LIMIT :limit")
                  .bind("kind", kind)
                  .bind("id", id)
                  .bind("limit", limit);
          if (!all) {
            q.bindList(org.jdbi.v3.core.statement.EmptyHandling.NULL_KEYWORD, "teams", teams);
          }
          return q.map(
                  (rs, ctx) ->
                      new Stored(rs.getLong("idx"), rs.getString("entry"), rs.getString("payload")))
              .list();
        });
  }

  /**
   * A JSON path of an entry in the dialect's spelling ({@code a.b}: PostgreSQL's {@code {a,b}}).
   */
  private String path(String template, String alias, String dotted) {
    return template.formatted(
        alias, dialect == Dialect.POSTGRESQL ? dotted.replace('.', ',') : dotted);
  }

  // ---- nodes ----

  void putNodes(Handle h, List<TreeBuilder.Node> nodes) {
    if (nodes.isEmpty()) {
      return;
    }
    try (java.sql.PreparedStatement ps =
        h.getConnection()
            .prepareStatement("INSERT INTO ledger_nodes (level, idx, hash) VALUES (?, ?, ?)")) {
      for (TreeBuilder.Node n : nodes) {
        ps.setInt(1, n.level());
        ps.setLong(2, n.index());
        ps.setBytes(3, n.hash());
        ps.addBatch();
      }
      ps.executeBatch();
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException("cannot store ledger nodes", e);
    }
  }

  /** Reads the given nodes in one query: a proof's O(log n) nodes, planned before they are read. */
  public Map<Long, byte[]> nodes(Handle h, Set<Long> keys) {
    Map<Long, byte[]> out = new HashMap<>();
    if (keys.isEmpty()) {
      return out;
    }
    List<Long> list = new ArrayList<>(keys);
    StringBuilder sql = new StringBuilder("SELECT level, idx, hash FROM ledger_nodes WHERE ");
    for (int i = 0; i < list.size(); i++) {
      sql.append(i == 0 ? "" : " OR ")
          .append("(level = :l")
          .append(i)
          .append(" AND idx = :i")
          .append(i)
          .append(')');
    }
    var q = h.createQuery(sql.toString());
    for (int i = 0; i < list.size(); i++) {
      q.bind("l" + i, level(list.get(i))).bind("i" + i, index(list.get(i)));
    }
    q.map(
            (rs, ctx) -> {
              out.put(key(rs.getInt("level"), rs.getLong("idx")), rs.getBytes("hash"));
              return null;
            })
        .list();
    return out;
  }

  public NodeSource nodeSource(Handle h) {
    return (level, index) ->
        h.createQuery("SELECT hash FROM ledger_nodes WHERE level = :l AND idx = :i")
            .bind("l", level)
            .bind("i", index)
            .mapTo(byte[].class)
            .findOne()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "ledger node " + level + "/" + index + " is missing"));
  }

  /** Level-0 nodes: the leaf hashes the writer computed, for verifiers to compare entries with. */
  public List<byte[]> leafHashes(long from, long to) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT hash FROM ledger_nodes WHERE level = 0 AND idx >= :from AND idx < :to ORDER BY idx")
                .bind("from", from)
                .bind("to", to)
                .mapTo(byte[].class)
                .list());
  }

  static long key(int level, long index) {
    return ((long) level << 56) | index;
  }

  static int level(long key) {
    return (int) (key >>> 56);
  }

  static long index(long key) {
    return key & ((1L << 56) - 1);
  }

  // ---- checkpoints ----

  void putCheckpoint(Handle h, long size, Instant at, String note) {
    h.createUpdate(
            "INSERT INTO ledger_checkpoints (size, at, note) VALUES (:size, :at, :note) ON CONFLICT (size) DO NOTHING")
        .bind("size", size)
        .bind("at", at.toEpochMilli())
        .bind("note", note)
        .execute();
  }

  public Optional<String> latestCheckpoint() {
    return jdbi.withHandle(
        h ->
            h.createQuery("SELECT note FROM ledger_checkpoints ORDER BY size DESC LIMIT 1")
                .mapTo(String.class)
                .findOne());
  }

  public record StoredCheckpoint(long size, Instant at, String note) {}

  public List<StoredCheckpoint> checkpoints() {
    return jdbi.withHandle(
        h ->
            h.createQuery("SELECT size, at, note FROM ledger_checkpoints ORDER BY size")
                .map(
                    (rs, ctx) ->
                        new StoredCheckpoint(
                            rs.getLong("size"),
                            Instant.ofEpochMilli(rs.getLong("at")),
                            rs.getString("note")))
                .list());
  }

  /** How far the ledger is hashed, locked for the rest of the transaction (the writer's turn). */
  long hashedForUpdate(Handle h) {
    return h.createQuery(
            "SELECT value FROM ledger_state WHERE name = 'hashed'" + dialect.forUpdate())
        .mapTo(Long.class)
        .one();
  }

  long size(Handle h) {
    return h.createQuery(
            """
            SELECT value FROM ledger_state WHERE name = 'size'
            """)
        .mapTo(Long.class)
        .one();
  }

  void setHashed(Handle h, long to) {
    h.createUpdate(
            """
            UPDATE ledger_state SET value = :v WHERE name = 'hashed'
            """)
        .bind("v", to)
        .execute();
  }

  /** The newest checkpoint's size and time (epoch milliseconds), if there is one. */
  Optional<long[]> lastCheckpoint(Handle h) {
    return h.createQuery(
            """
            SELECT size, at FROM ledger_checkpoints ORDER BY size DESC LIMIT 1
            """)
        .map((rs, ctx) -> new long[] {rs.getLong("size"), rs.getLong("at")})
        .findOne();
  }

  /** What the writer has to do: entries appended and hashed, and the newest checkpoint. */
  record Progress(long hashed, long size, Optional<long[]> lastCheckpoint) {}

  /** {@link Progress} in one query without a lock: it runs after every change. */
  Progress progress() {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    """
                    SELECT (SELECT value FROM ledger_state WHERE name = 'hashed') AS hashed,
                      (SELECT value FROM ledger_state WHERE name = 'size') AS size,
                      c.size AS checkpointed, c.at AS checkpointed_at
                    FROM (SELECT 1 AS one) x
                    LEFT JOIN (SELECT size, at FROM ledger_checkpoints
                               ORDER BY size DESC LIMIT 1) c ON 1 = 1
                    """)
                .map(
                    (rs, ctx) -> {
                      long checkpointed = rs.getLong("checkpointed");
                      Optional<long[]> last =
                          rs.wasNull()
                              ? Optional.empty()
                              : Optional.of(
                                  new long[] {checkpointed, rs.getLong("checkpointed_at")});
                      return new Progress(rs.getLong("hashed"), rs.getLong("size"), last);
                    })
                .one());
  }

  public Jdbi jdbi() {
    return jdbi;
  }

  public Dialect dialect() {
    return dialect;
  }
}
