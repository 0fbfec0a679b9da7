package dev.bulwark.server.findings;

import dev.bulwark.server.testing.TestDatabases;

class SqliteAdvisorySyncTest extends AdvisorySyncContractTest {
  @Override
  TestDatabases.Kind kind() {
    return TestDatabases.Kind.SQLITE;
  }
}
