package dev.bulwark.server.auth;

import dev.bulwark.server.testing.TestDatabases;

class PostgresAuthorityTest extends AuthorityContractTest {
  @Override
  TestDatabases.Kind kind() {
    return TestDatabases.Kind.POSTGRESQL;
  }
}
