package dev.bulwark.server.examplefeature;

import dev.bulwark.server.errors.DomainException;
import java.util.ArrayList;
import java.util.List;

/** What a caller sends to record a drill; every bad field is reported at once. */
public record DrillRequest(String scenario, Drill.Outcome outcome) {
  static final int MAX_SCENARIO = 200;

  /** Refuses the request with every wrong field named by its path. */
  void requireValid() {
    List<DomainException.FieldError> errors = new ArrayList<>();
    if (scenario == null || scenario.isBlank()) {
      errors.add(new DomainException.FieldError("scenario", "is required"));
    } else if (scenario.length() > MAX_SCENARIO
        || scenario.codePoints().anyMatch(Character::isISOControl)) {
      errors.add(
          new DomainException.FieldError(
              "scenario", "must be at most " + MAX_SCENARIO + " characters, without control ones"));
    }
    if (outcome == null) {
      errors.add(new DomainException.FieldError("outcome", "is required"));
    }
    if (!errors.isEmpty()) {
      throw new DomainException.Invalid(errors);
    }
  }
}
