package dev.bulwark.server.gates;

import dev.bulwark.server.testing.TestDatabases;

class PostgresGateBudgetTest extends GateBudgetContractTest {
  @Override
  TestDatabases.Kind kind() {
    return TestDatabases.Kind.POSTGRESQL;
  }
}
