package dev.bulwark.server.dashboard;

import dev.bulwark.server.testing.TestDatabases;

class PostgresDashboardTest extends DashboardContractTest {
  @Override
  TestDatabases.Kind kind() {
    return TestDatabases.Kind.POSTGRESQL;
  }
}
