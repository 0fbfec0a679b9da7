package dev.bulwark.server.auth;

import dev.bulwark.server.testing.TestDatabases;

class SqliteAuthLimitsTest extends AuthLimitsContractTest {
  @Override
  TestDatabases.Kind kind() {
    return TestDatabases.Kind.SQLITE;
  }
}
