package dev.bulwark.server.audit;

import java.util.Objects;
import java.util.Set;

/**
 * Which releases' gate input a recorded change alters. Every {@link AuditLog#record} names one, so
 * a writer cannot record a change and forget to invalidate the gate facts it touched: the same call
 * that appends the ledger entry raises the facts revision of each release named here (see ADR
 * 0007). When in doubt, name more: a release named needlessly is only rebuilt once more.
 */
public sealed interface Affects {
  /** The change alters no gate input (a token, a webhook, the catalog's contact fields ...). */
  record NoGateInput() implements Affects {}

  /** The change alters the gate input of these releases (their database ids). */
  record Releases(Set<Long> ids) implements Affects {
    public Releases {
      ids = Set.copyOf(ids);
    }
  }

  /** The change alters the gate input of every release of one service (its stable id). */
  record ServiceReleases(long serviceId) implements Affects {}

  /** The change alters the gate input of every release (an advisory sync, a tolerance change). */
  record AllReleases() implements Affects {}

  static Affects none() {
    return new NoGateInput();
  }

  static Affects release(long id) {
    return new Releases(Set.of(id));
  }

  static Affects releases(Set<Long> ids) {
    return new Releases(Objects.requireNonNull(ids, "ids"));
  }

  static Affects service(long serviceId) {
    return new ServiceReleases(serviceId);
  }

  static Affects all() {
    return new AllReleases();
  }
}
