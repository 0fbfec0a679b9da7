package dev.bulwark.server.catalog;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Objects;

/**
 * A deleted service as an auditor reads it: its stable id (what its releases, decisions and waivers
 * still refer to), its last catalog fields, and when and by whom it was deleted.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ArchivedService(
    long id,
    String name,
    String team,
    Area area,
    Criticality criticality,
    Double value,
    Instant createdAt,
    Instant archivedAt,
    String archivedBy) {
  public ArchivedService {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(team, "team");
    Objects.requireNonNull(archivedAt, "archivedAt");
  }
}
