package dev.bulwark.server.audit;

import org.jdbi.v3.core.Handle;

/**
 * Raises the facts revision of the releases a change affects, in the change's own transaction. The
 * releases feature owns the table and implements this; the audit log calls it with every record.
 */
@FunctionalInterface
public interface FactRevisions {
  void raise(Handle tx, Affects affects);
}
