package dev.bulwark.server.auth;

import dev.bulwark.server.testing.TestDatabases;

class SqliteAuthorityTest extends AuthorityContractTest {
  @Override
  TestDatabases.Kind kind() {
    return TestDatabases.Kind.SQLITE;
  }
}
