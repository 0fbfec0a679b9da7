package dev.bulwark.server.ledger;

import static dev.bulwark.server.http.ApiRoute.get;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.server.auth.Permission;
import dev.bulwark.server.http.ApiRoute;
import dev.bulwark.server.http.Call;
import dev.bulwark.server.http.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The audit trail as people read it: the newest ledger entries, optionally about one subject, of
 * the caller's teams (the scope is part of the query, see {@link LedgerStore#recent}).
 */
public final class AuditRoutes {
  private final LedgerStore ledger;

  public AuditRoutes(LedgerStore ledger) {
    this.ledger = ledger;
  }

  public List<ApiRoute> routes() {
    return List.of(get("/api/v1/audit", Permission.AUDIT_READ, this::list));
  }

  private void list(Call call) {
    int limit = call.intQuery("limit", 100, 1, 1000);
    List<Object> events = new ArrayList<>();
    for (LedgerStore.Stored s :
        ledger.recent(
            call.query("subjectKind"),
            call.query("subjectId"),
            limit,
            call.principal().allTeams(),
            call.principal().teams())) {
      JsonNode e;
      try {
        e = Json.MAPPER.readTree(s.canonical());
      } catch (IOException ex) {
        throw new UncheckedIOException(ex);
      }
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("index", s.index());
      m.put("time", e.path("time").asText());
      m.put("actor", e.path("actor").asText());
      m.put("action", e.path("action").asText());
      m.put("subject", e.path("subject"));
      m.put("requestId", e.path("requestId").asText());
      m.put("beforeDigest", e.path("before").isNull() ? null : e.path("before").asText());
      m.put("afterDigest", e.path("after").isNull() ? null : e.path("after").asText());
      events.add(m);
    }
    call.respond(200, Map.of("events", events));
  }
}
