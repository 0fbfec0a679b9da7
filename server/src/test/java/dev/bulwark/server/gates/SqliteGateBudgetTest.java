package dev.bulwark.server.gates;

import dev.bulwark.server.testing.TestDatabases;

class SqliteGateBudgetTest extends GateBudgetContractTest {
  @Override
  TestDatabases.Kind kind() {
    return TestDatabases.Kind.SQLITE;
  }
}
