package dev.bulwark.server.examplefeature;

import dev.bulwark.server.testing.TestDatabases;

class SqliteDrillsFeatureTest extends DrillsFeatureContractTest {
  @Override
  TestDatabases.Kind kind() {
    return TestDatabases.Kind.SQLITE;
  }
}
