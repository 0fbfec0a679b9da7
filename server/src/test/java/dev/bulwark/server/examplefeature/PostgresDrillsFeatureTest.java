package dev.bulwark.server.examplefeature;

import dev.bulwark.server.testing.TestDatabases;

class PostgresDrillsFeatureTest extends DrillsFeatureContractTest {
  @Override
  TestDatabases.Kind kind() {
    return TestDatabases.Kind.POSTGRESQL;
  }
}
