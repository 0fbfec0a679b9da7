package dev.bulwark.server.console;

import dev.bulwark.server.testing.TestDatabases;

class PostgresOidcSignInTest extends OidcSignInContractTest {
  @Override
  TestDatabases.Kind kind() {
    return TestDatabases.Kind.POSTGRESQL;
  }
}
