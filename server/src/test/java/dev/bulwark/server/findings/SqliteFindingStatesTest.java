package dev.bulwark.server.findings;

import dev.bulwark.server.testing.TestDatabases;

class SqliteFindingStatesTest extends FindingStatesContractTest {
  @Override
  TestDatabases.Kind kind() {
    return TestDatabases.Kind.SQLITE;
  }
}
