package dev.bulwark.server.releases;

import dev.bulwark.server.audit.Affects;
import dev.bulwark.server.audit.FactRevisions;
import org.jdbi.v3.core.Handle;

/**
 * The releases table's facts revisions, raised by the audit log with every recorded change (see
 * {@link Affects}). A gate reuses a release's cached input only while its revision is unchanged.
 */
public final class ReleaseRevisions implements FactRevisions {
  @Override
  public void raise(Handle tx, Affects affects) {
    switch (affects) {
      case Affects.NoGateInput n -> {}
      case Affects.Releases r -> {
        for (long id : r.ids()) {
          tx.createUpdate("UPDATE releases SET facts_rev = facts_rev + 1 WHERE id = :id")
              .bind("id", id)
              .execute();
        }
      }
      case Affects.ServiceReleases s ->
          tx.createUpdate("UPDATE releases SET facts_rev = facts_rev + 1 WHERE service_id = :s")
              .bind("s", s.serviceId())
              .execute();
      case Affects.AllReleases a ->
          tx.createUpdate("UPDATE releases SET facts_rev = facts_rev + 1").execute();
    }
  }
}
