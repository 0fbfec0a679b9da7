package dev.bulwark.server.releases;

import dev.bulwark.server.testing.TestDatabases;

class SqliteFairWritesTest extends FairWritesContractTest {
  @Override
  TestDatabases.Kind kind() {
    return TestDatabases.Kind.SQLITE;
  }
}
