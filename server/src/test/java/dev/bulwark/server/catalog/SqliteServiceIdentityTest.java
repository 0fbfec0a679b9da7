package dev.bulwark.server.catalog;

import dev.bulwark.server.testing.TestDatabases;

class SqliteServiceIdentityTest extends ServiceIdentityContractTest {
  @Override
  TestDatabases.Kind kind() {
    return TestDatabases.Kind.SQLITE;
  }
}
