package dev.bulwark.server.audit;

import static dev.bulwark.server.http.ApiRoute.get;

import dev.bulwark.server.auth.Permission;
import dev.bulwark.server.http.ApiException;
import dev.bulwark.server.http.ApiRoute;
import dev.bulwark.server.http.Call;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;

/** Read access to the audit trail, for auditors and admins. */
public final class AuditRoutes {
  private final Jdbi jdbi;

  public AuditRoutes(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  public List<ApiRoute> routes() {
    return List.of(get("/api/v1/audit", Permission.AUDIT_READ, this::list));
  }

  private void list(Call call) {
    int limit = 100;
    String l = call.query("limit");
    if (l != null) {
      try {
        limit = Integer.parseInt(l);
      } catch (NumberFormatException e) {
        throw ApiException.invalid("limit", "must be a whole number");
      }
      if (limit < 1 || limit > 1000) {
        throw ApiException.invalid("limit", "must be between 1 and 1000");
      }
    }
    call.respond(
        200,
        Map.of(
            "events",
            SqlAuditLog.list(jdbi, call.query("subjectKind"), call.query("subjectId"), limit)));
  }
}
