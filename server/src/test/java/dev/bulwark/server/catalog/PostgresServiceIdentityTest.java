package dev.bulwark.server.catalog;

import dev.bulwark.server.testing.TestDatabases;

class PostgresServiceIdentityTest extends ServiceIdentityContractTest {
  @Override
  TestDatabases.Kind kind() {
    return TestDatabases.Kind.POSTGRESQL;
  }
}
