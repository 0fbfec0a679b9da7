package dev.bulwark.server.releases;

import dev.bulwark.server.testing.TestDatabases;

class SqliteReleasesTest extends ReleasesContractTest {
  @Override
  TestDatabases.Kind kind() {
    return TestDatabases.Kind.SQLITE;
  }
}
