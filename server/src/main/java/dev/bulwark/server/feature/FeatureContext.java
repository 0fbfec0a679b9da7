package dev.bulwark.server.feature;

import dev.bulwark.server.audit.AuditLog;
import dev.bulwark.server.db.Database;
import java.time.Clock;

/**
 * What the server hands a feature it did not build itself: the database (run writes through {@link
 * Database#writes()}), the audit log every change is recorded through, and the clock. Tests use it
 * to add a feature without editing {@code BulwarkServer} (see {@code docs/adding-a-feature.md}).
 */
public record FeatureContext(Database db, AuditLog audit, Clock clock) {}
