package dev.bulwark.server.api;

import dev.bulwark.server.testing.TestDatabases;

class SqliteApiTest extends ApiContractTest {
  @Override
  TestDatabases.Kind kind() {
    return TestDatabases.Kind.SQLITE;
  }
}
