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
      case Affects.Releases r -> r.ids().forEach(id -> ReleaseDao.touch(tx, id));
      case Affects.ServiceReleases s -> ReleaseDao.touchService(tx, s.serviceId());
      case Affects.AllReleases a -> ReleaseDao.touchAll(tx);
    }
  }
}
