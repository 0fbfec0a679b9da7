package dev.bulwark.server.console;

import dev.bulwark.server.testing.TestDatabases;

class SqliteOidcSignInTest extends OidcSignInContractTest {
  @Override
  TestDatabases.Kind kind() {
    return TestDatabases.Kind.SQLITE;
  }
}
