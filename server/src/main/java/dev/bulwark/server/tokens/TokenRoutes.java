package dev.bulwark.server.tokens;

import static dev.bulwark.server.http.ApiRoute.delete;
import static dev.bulwark.server.http.ApiRoute.get;
import static dev.bulwark.server.http.ApiRoute.post;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.bulwark.server.auth.Permission;
import dev.bulwark.server.auth.Principal;
import dev.bulwark.server.auth.Role;
import dev.bulwark.server.http.ApiRoute;
import dev.bulwark.server.http.Call;
import dev.bulwark.server.http.Validatable;
import dev.bulwark.server.http.Validation;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Token administration: admins only. */
public final class TokenRoutes {
  private final TokenService tokens;
  private final TokenLifetime lifetime;

  public TokenRoutes(TokenService tokens, Duration maxLifetime, Clock clock) {
    this.tokens = tokens;
    this.lifetime = new TokenLifetime(maxLifetime, clock);
  }

  /** A request for a new token. */
  public record CreateToken(
      String name, Role role, List<String> teams, Instant expiresAt, String subject)
      implements Validatable {
    @Override
    public Validation validate(String prefix) {
      Validation v = new Validation(prefix);
      if (v.require("name", name) && (name.isBlank() || name.length() > 128)) {
        v.error("name", "must be 1 to 128 characters");
      }
      v.require("role", role);
      // ["*"] on a security token is organization-wide security (docs/permissions.md).
      boolean unscoped = teams != null && teams.equals(List.of(Principal.ALL_TEAMS));
      if (unscoped && role != Role.security) {
        v.error("teams", "only a security token is for every team (\"*\")");
      } else if (teams != null && !unscoped) {
        for (int i = 0; i < teams.size(); i++) {
          v.team("teams[" + i + "]", teams.get(i));
        }
      }
      if (role != null && role != Role.admin && (teams == null || teams.isEmpty())) {
        v.error("teams", "a " + role + " token needs at least one team");
      }
      if (subject != null) {
        String s = Principal.canonicalSubject(subject);
        if (s.isEmpty() || s.length() > 200 || s.chars().anyMatch(Character::isISOControl)) {
          v.error("subject", "must be 1 to 200 printable characters");
        } else if (s.startsWith("token:") || s.startsWith("decision:") || s.equals("system")) {
          v.error("subject", "'token:', 'decision:' and 'system' are reserved for the server");
        }
      }
      return v;
    }
  }

  /** The create response: the only time the secret is shown. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Created(
      String id,
      String name,
      String subject,
      Role role,
      List<String> teams,
      Instant createdAt,
      Instant expiresAt,
      String token) {}

  public List<ApiRoute> routes() {
    return List.of(
        post("/api/v1/tokens", Permission.TOKEN_ADMIN, this::create),
        get("/api/v1/tokens", Permission.TOKEN_ADMIN, this::list),
        delete("/api/v1/tokens/{id}", Permission.TOKEN_ADMIN, this::revoke));
  }

  private void create(Call call) {
    CreateToken req = call.json(CreateToken.class);
    TokenService.Issued issued =
        tokens.issue(
            call.principal(),
            call.requestId(),
            req.name(),
            req.subject(),
            req.role(),
            req.teams() == null ? List.of() : req.teams(),
            lifetime.bounded(req.expiresAt()));
    ApiToken t = issued.token();
    call.respond(
        201,
        new Created(
            t.id(),
            t.name(),
            t.subject(),
            t.role(),
            t.teams(),
            t.createdAt(),
            t.expiresAt(),
            issued.secret()));
  }

  private void list(Call call) {
    call.respond(200, Map.of("tokens", tokens.list()));
  }

  private void revoke(Call call) {
    call.respond(200, tokens.revoke(call.principal(), call.requestId(), call.pathParam("id")));
  }
}
