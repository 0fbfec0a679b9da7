package dev.bulwark.server.gates;

import dev.bulwark.server.testing.TestDatabases;

class SqliteGatesTest extends GatesContractTest {
  @Override
  TestDatabases.Kind kind() {
    return TestDatabases.Kind.SQLITE;
  }
}
