package dev.bulwark.server.demo;

import dev.bulwark.server.testing.TestDatabases;

class PostgresDemoTest extends DemoContractTest {
  @Override
  TestDatabases.Kind kind() {
    return TestDatabases.Kind.POSTGRESQL;
  }
}
