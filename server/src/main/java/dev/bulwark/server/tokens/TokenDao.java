package dev.bulwark.server.tokens;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.bulwark.server.auth.Role;
import dev.bulwark.server.http.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** SQL for the {@code tokens} table. Secrets never reach this class, only their hashes. */
final class TokenDao {
  private static final String COLUMNS =
      "id, name, subject, role, teams, created_at, created_by, minted_by, expires_at, revoked_at,"
          + " last_used_at";
  private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};

  private final Jdbi jdbi;

  TokenDao(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  void insert(Handle h, ApiToken t, String secretHash) {
    h.createUpdate(
            """
            INSERT INTO tokens (id, name, subject, role, teams, secret_hash, created_at, created_by,
              minted_by, expires_at)
            VALUES (:id, :name, :subject, :role, :teams, :hash, :createdAt, :createdBy, :mintedBy,
              :expiresAt)
            """)
        .bind("id", t.id())
        .bind("name", t.name())
        .bind("subject", t.subject())
        .bind("mintedBy", t.mintedBy())
        .bind("role", t.role().name())
        .bind("teams", new String(Json.write(t.teams()), java.nio.charset.StandardCharsets.UTF_8))
        .bind("hash", secretHash)
        .bind("createdAt", t.createdAt().toEpochMilli())
        .bind("createdBy", t.createdBy())
        .bind("expiresAt", t.expiresAt() == null ? null : t.expiresAt().toEpochMilli())
        .execute();
  }

  Optional<ApiToken> findByHash(String secretHash) {
    return jdbi.withHandle(
        h ->
            h.createQuery("SELECT " + COLUMNS + " FROM tokens WHERE secret_hash = :hash")
                .bind("hash", secretHash)
                .map((rs, ctx) -> map(rs))
                .findOne());
  }

  Optional<ApiToken> find(String id) {
    return jdbi.withHandle(h -> find(h, id));
  }

  Optional<ApiToken> find(Handle h, String id) {
    return h.createQuery("SELECT " + COLUMNS + " FROM tokens WHERE id = :id")
        .bind("id", id)
        .map((rs, ctx) -> map(rs))
        .findOne();
  }

  List<ApiToken> list() {
    return jdbi.withHandle(
        h ->
            h.createQuery("SELECT " + COLUMNS + " FROM tokens ORDER BY created_at, id")
                .map((rs, ctx) -> map(rs))
                .list());
  }

  long count() {
    return jdbi.withHandle(
        h -> h.createQuery("SELECT COUNT(*) FROM tokens").mapTo(Long.class).one());
  }

  boolean revoke(Handle h, String id, Instant at) {
    return h.createUpdate(
                "UPDATE tokens SET revoked_at = :at WHERE id = :id AND revoked_at IS NULL")
            .bind("id", id)
            .bind("at", at.toEpochMilli())
            .execute()
        == 1;
  }

  /** Records use, at most once per {@code staleBefore} window, so reads do not become writes. */
  void touch(String id, Instant now, Instant staleBefore) {
    jdbi.useHandle(
        h ->
            h.createUpdate(
                    """
                    UPDATE tokens SET last_used_at = :now
                    WHERE id = :id AND (last_used_at IS NULL OR last_used_at < :stale)
                    """)
                .bind("id", id)
                .bind("now", now.toEpochMilli())
                .bind("stale", staleBefore.toEpochMilli())
                .execute());
  }

  private static ApiToken map(ResultSet rs) throws SQLException {
    List<String> teams;
    try {
      teams = Json.MAPPER.readValue(rs.getString("teams"), STRINGS);
    } catch (IOException e) {
      throw new UncheckedIOException("corrupt teams column of token " + rs.getString("id"), e);
    }
    return new ApiToken(
        rs.getString("id"),
        rs.getString("name"),
        rs.getString("subject"),
        Role.valueOf(rs.getString("role")),
        teams,
        Instant.ofEpochMilli(rs.getLong("created_at")),
        rs.getString("created_by"),
        rs.getString("minted_by"),
        instant(rs, "expires_at"),
        instant(rs, "revoked_at"),
        instant(rs, "last_used_at"));
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? null : Instant.ofEpochMilli(v);
  }
}
