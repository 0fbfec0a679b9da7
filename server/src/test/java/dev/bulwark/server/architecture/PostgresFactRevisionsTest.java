package dev.bulwark.server.architecture;

import dev.bulwark.server.testing.TestDatabases;

class PostgresFactRevisionsTest extends FactRevisionsContractTest {
  @Override
  TestDatabases.Kind kind() {
    return TestDatabases.Kind.POSTGRESQL;
  }
}
