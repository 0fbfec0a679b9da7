package dev.bulwark.server.architecture;

import dev.bulwark.server.testing.TestDatabases;

class SqliteFactRevisionsTest extends FactRevisionsContractTest {
  @Override
  TestDatabases.Kind kind() {
    return TestDatabases.Kind.SQLITE;
  }
}
