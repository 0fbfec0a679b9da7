package dev.bulwark.policy;

import java.time.Instant;
import java.util.Objects;

/**
 * An approved exception to one rule for one service, optionally narrowed to one artifact digest or
 * one finding. The caller passes only approved, unrevoked waivers of the service; the engine still
 * refuses an expired one (expiry is checked against the input's {@code now}).
 */
public record Waiver(
    String id, String policy, String rule, String digest, String findingId, Instant expires) {
  public Waiver {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(expires, "expires");
  }

  boolean appliesTo(String policy, String rule, GateInput in) {
    return this.policy.equals(policy)
        && this.rule.equals(rule)
        && in.now().isBefore(expires)
        && (digest == null || digest.equals(in.release().digest()));
  }
}
