package dev.bulwark.server.db;

import dev.bulwark.server.testing.TestDatabases;

class PostgresFileModesTest extends FileModesContractTest {
  @Override
  TestDatabases.Kind kind() {
    return TestDatabases.Kind.POSTGRESQL;
  }
}
