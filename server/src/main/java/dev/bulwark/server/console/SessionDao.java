package dev.bulwark.server.console;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.bulwark.server.auth.Principal;
import dev.bulwark.server.auth.Role;
import dev.bulwark.server.http.Json;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** SQL of the console: sessions and OIDC sign-ins under way. Only hashes of secrets reach it. */
final class SessionDao {
  private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};

  private final Jdbi jdbi;

  SessionDao(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /** A stored session row; the principal is the one recorded at sign-in. */
  record Row(
      String idHash,
      ConsoleSession.Kind kind,
      String tokenId,
      Principal principal,
      String csrf,
      Instant createdAt,
      Instant lastSeenAt) {}

  void insert(Handle h, Row r) {
    h.createUpdate(
            """
            INSERT INTO console_sessions (id_hash, kind, token_id, actor, subject, minted_by, role,
              teams, csrf_secret, created_at, last_seen_at)
            VALUES (:idHash, :kind, :tokenId, :actor, :subject, :mintedBy, :role, :teams, :csrf,
              :createdAt, :lastSeenAt)
            """)
        .bind("idHash", r.idHash())
        .bind("kind", r.kind().name())
        .bind("tokenId", r.tokenId())
        .bind("actor", r.principal().actor())
        .bind("subject", r.principal().subject())
        .bind("mintedBy", r.principal().mintedBy())
        .bind("role", r.principal().role().name())
        .bind("teams", new String(Json.write(r.principal().teams()), StandardCharsets.UTF_8))
        .bind("csrf", r.csrf())
        .bind("createdAt", r.createdAt().toEpochMilli())
        .bind("lastSeenAt", r.lastSeenAt().toEpochMilli())
        .execute();
  }

  Optional<Row> find(String idHash) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    """
                    SELECT id_hash, kind, token_id, actor, subject, minted_by, role, teams,
                      csrf_secret, created_at, last_seen_at
                    FROM console_sessions WHERE id_hash = :idHash
                    """)
                .bind("idHash", idHash)
                .map((rs, ctx) -> map(rs))
                .findOne());
  }

  /** Moves last_seen_at forward, only if no other request already did. */
  void touch(Handle h, String idHash, Instant now, Instant olderThan) {
    h.createUpdate(
            """
            UPDATE console_sessions SET last_seen_at = :now
            WHERE id_hash = :idHash AND last_seen_at < :olderThan
            """)
        .bind("idHash", idHash)
        .bind("now", now.toEpochMilli())
        .bind("olderThan", olderThan.toEpochMilli())
        .execute();
  }

  boolean delete(Handle h, String idHash) {
    return h.createUpdate("DELETE FROM console_sessions WHERE id_hash = :idHash")
            .bind("idHash", idHash)
            .execute()
        > 0;
  }

  /** Removes sessions idle since {@code idleBefore} or created before {@code createdBefore}. */
  int deleteExpired(Handle h, Instant idleBefore, Instant createdBefore) {
    return h.createUpdate(
            """
            DELETE FROM console_sessions
            WHERE last_seen_at < :idleBefore OR created_at < :createdBefore
            """)
        .bind("idleBefore", idleBefore.toEpochMilli())
        .bind("createdBefore", createdBefore.toEpochMilli())
        .execute();
  }

  /** An OIDC sign-in under way. */
  record OidcRequest(
      String stateHash,
      String browserHash,
      String nonce,
      String codeVerifier,
      String nextPath,
      Instant createdAt) {}

  void insertOidcRequest(Handle h, OidcRequest r) {
    h.createUpdate(
            """
            INSERT INTO console_oidc_requests (state_hash, browser_hash, nonce, code_verifier,
              next_path, created_at)
            VALUES (:stateHash, :browserHash, :nonce, :codeVerifier, :nextPath, :createdAt)
            """)
        .bind("stateHash", r.stateHash())
        .bind("browserHash", r.browserHash())
        .bind("nonce", r.nonce())
        .bind("codeVerifier", r.codeVerifier())
        .bind("nextPath", r.nextPath())
        .bind("createdAt", r.createdAt().toEpochMilli())
        .execute();
  }

  /** The request with this state, deleted in the same transaction: a state is good once. */
  Optional<OidcRequest> takeOidcRequest(Handle h, String stateHash) {
    Optional<OidcRequest> found =
        h.createQuery(
                """
                SELECT state_hash, browser_hash, nonce, code_verifier, next_path, created_at
                FROM console_oidc_requests WHERE state_hash = :stateHash
                """)
            .bind("stateHash", stateHash)
            .map(
                (rs, ctx) ->
                    new OidcRequest(
                        rs.getString("state_hash"),
                        rs.getString("browser_hash"),
                        rs.getString("nonce"),
                        rs.getString("code_verifier"),
                        rs.getString("next_path"),
                        Instant.ofEpochMilli(rs.getLong("created_at"))))
            .findOne();
    found.ifPresent(
        r ->
            h.createUpdate("DELETE FROM console_oidc_requests WHERE state_hash = :stateHash")
                .bind("stateHash", stateHash)
                .execute());
    return found;
  }

  int deleteOidcRequestsBefore(Handle h, Instant before) {
    return h.createUpdate("DELETE FROM console_oidc_requests WHERE created_at < :before")
        .bind("before", before.toEpochMilli())
        .execute();
  }

  private static Row map(ResultSet rs) throws SQLException {
    List<String> teams;
    try {
      teams = Json.MAPPER.readValue(rs.getString("teams"), STRINGS);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("corrupt teams column of a console session", e);
    }
    return new Row(
        rs.getString("id_hash"),
        ConsoleSession.Kind.valueOf(rs.getString("kind")),
        rs.getString("token_id"),
        new Principal(
            rs.getString("actor"),
            rs.getString("subject"),
            rs.getString("minted_by"),
            Role.valueOf(rs.getString("role")),
            teams),
        rs.getString("csrf_secret"),
        Instant.ofEpochMilli(rs.getLong("created_at")),
        Instant.ofEpochMilli(rs.getLong("last_seen_at")));
  }
}
