package dev.bulwark.server.console;

import dev.bulwark.server.testing.TestDatabases;

class PostgresConsoleTest extends ConsoleContractTest {
  @Override
  TestDatabases.Kind kind() {
    return TestDatabases.Kind.POSTGRESQL;
  }
}
