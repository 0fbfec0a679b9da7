package dev.bulwark.server.api;

import dev.bulwark.server.testing.TestDatabases;

class PostgresApiTest extends ApiContractTest {
  @Override
  TestDatabases.Kind kind() {
    return TestDatabases.Kind.POSTGRESQL;
  }
}
