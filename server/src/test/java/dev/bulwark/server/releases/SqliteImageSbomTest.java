package dev.bulwark.server.releases;

import dev.bulwark.server.testing.TestDatabases;

class SqliteImageSbomTest extends ImageSbomContractTest {
  @Override
  TestDatabases.Kind kind() {
    return TestDatabases.Kind.SQLITE;
  }
}
