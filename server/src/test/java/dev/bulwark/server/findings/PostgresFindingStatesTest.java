package dev.bulwark.server.findings;

import dev.bulwark.server.testing.TestDatabases;

class PostgresFindingStatesTest extends FindingStatesContractTest {
  @Override
  TestDatabases.Kind kind() {
    return TestDatabases.Kind.POSTGRESQL;
  }
}
