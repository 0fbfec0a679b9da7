package dev.bulwark.server.catalog;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.bulwark.server.http.Validatable;
import dev.bulwark.server.http.Validation;

/**
 * What a caller sends to create or replace a service. Validated as a whole: every bad field is
 * reported at once. {@code name} may be left out on {@code PUT}, where the path names the service;
 * it is kept in NFC. A name the catalog creates must also follow {@link ServiceName}'s rules,
 * checked where a service is created: a service named before them may still be updated.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ServiceInput(
    String name, String team, Area area, Criticality criticality, Double value)
    implements Validatable {

  public ServiceInput {
    name = ServiceName.normalize(name);
  }

  /** Checks every field; {@code prefix} places the errors, such as {@code services[3].}. */
  @Override
  public Validation validate(String prefix) {
    Validation v = new Validation(prefix);
    v.name("name", name);
    v.team("team", team);
    v.require("area", area);
    v.require("criticality", criticality);
    if (value != null && (value.isNaN() || value.isInfinite() || value < 0)) {
      v.error("value", "must be a finite number, zero or more");
    }
    return v;
  }
}
