package dev.bulwark.server.advisories;

import dev.bulwark.server.auth.Principal;

/**
 * Reloads the advisory sources and re-evaluates what they changed. Declared here and implemented by
 * the findings feature, so that the sync job depends on no feature that depends on advisories.
 */
public interface AdvisorySync {
  /** What an advisory sync did. */
  record Synced(
      int advisories,
      int changed,
      int packages,
      int releases,
      int added,
      int closed,
      long loadMillis,
      long reevaluateMillis) {}

  /**
   * Loads the sources and re-evaluates the stored findings they affect; refuses (and keeps the
   * previous advisories) when a source cannot be read.
   */
  Synced sync(Principal caller, String requestId);
}
