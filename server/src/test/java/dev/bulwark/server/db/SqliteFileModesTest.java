package dev.bulwark.server.db;

import dev.bulwark.server.testing.TestDatabases;

class SqliteFileModesTest extends FileModesContractTest {
  @Override
  TestDatabases.Kind kind() {
    return TestDatabases.Kind.SQLITE;
  }
}
