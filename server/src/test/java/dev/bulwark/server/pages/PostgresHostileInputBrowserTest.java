package dev.bulwark.server.pages;

import dev.bulwark.server.testing.TestDatabases;

/** {@link HostileInputBrowserTest} on PostgreSQL. */
class PostgresHostileInputBrowserTest extends HostileInputBrowserTest {
  @Override
  protected TestDatabases.Kind kind() {
    return TestDatabases.Kind.POSTGRESQL;
  }
}
