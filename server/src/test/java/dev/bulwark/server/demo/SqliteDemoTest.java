package dev.bulwark.server.demo;

import dev.bulwark.server.testing.TestDatabases;

class SqliteDemoTest extends DemoContractTest {
  @Override
  TestDatabases.Kind kind() {
    return TestDatabases.Kind.SQLITE;
  }
}
