package dev.bulwark.server.pages;

import dev.bulwark.server.testing.TestDatabases;

class PostgresFeaturePagesTest extends FeaturePagesContractTest {
  @Override
  TestDatabases.Kind kind() {
    return TestDatabases.Kind.POSTGRESQL;
  }
}
