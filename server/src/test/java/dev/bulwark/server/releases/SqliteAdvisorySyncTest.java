package dev.bulwark.server.releases;

import dev.bulwark.server.testing.TestDatabases;

class SqliteAdvisorySyncTest extends AdvisorySyncContractTest {
  @Override
  TestDatabases.Kind kind() {
    return TestDatabases.Kind.SQLITE;
  }
}
