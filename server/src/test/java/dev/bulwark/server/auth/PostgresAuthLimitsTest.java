package dev.bulwark.server.auth;

import dev.bulwark.server.testing.TestDatabases;

class PostgresAuthLimitsTest extends AuthLimitsContractTest {
  @Override
  TestDatabases.Kind kind() {
    return TestDatabases.Kind.POSTGRESQL;
  }
}
