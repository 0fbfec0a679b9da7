package dev.bulwark.server.console;

import dev.bulwark.server.testing.TestDatabases;

class SqliteConsoleTest extends ConsoleContractTest {
  @Override
  TestDatabases.Kind kind() {
    return TestDatabases.Kind.SQLITE;
  }
}
