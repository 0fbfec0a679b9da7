package dev.bulwark.server.dashboard;

import dev.bulwark.server.testing.TestDatabases;

class SqliteDashboardTest extends DashboardContractTest {
  @Override
  TestDatabases.Kind kind() {
    return TestDatabases.Kind.SQLITE;
  }
}
