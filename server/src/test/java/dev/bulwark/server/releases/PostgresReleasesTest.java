package dev.bulwark.server.releases;

import dev.bulwark.server.testing.TestDatabases;

class PostgresReleasesTest extends ReleasesContractTest {
  @Override
  TestDatabases.Kind kind() {
    return TestDatabases.Kind.POSTGRESQL;
  }
}
