package dev.bulwark.server.catalog;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Objects;

/** A service of the catalog as the API shows it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Service(
    String name,
    String team,
    Area area,
    Criticality criticality,
    Double value,
    Instant createdAt,
    Instant updatedAt) {
  public Service {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(team, "team");
    Objects.requireNonNull(area, "area");
    Objects.requireNonNull(criticality, "criticality");
  }

  /** The fields a caller sets; audit digests are taken over this, so timestamps do not count. */
  public ServiceInput input() {
    return new ServiceInput(name, team, area, criticality, value);
  }
}
