package dev.bulwark.server.releases;

import dev.bulwark.server.testing.TestDatabases;

class PostgresImageSbomTest extends ImageSbomContractTest {
  @Override
  TestDatabases.Kind kind() {
    return TestDatabases.Kind.POSTGRESQL;
  }
}
