package dev.bulwark.server.gates;

import dev.bulwark.server.testing.TestDatabases;

class PostgresGatesTest extends GatesContractTest {
  @Override
  TestDatabases.Kind kind() {
    return TestDatabases.Kind.POSTGRESQL;
  }
}
