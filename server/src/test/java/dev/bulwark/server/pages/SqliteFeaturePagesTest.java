package dev.bulwark.server.pages;

import dev.bulwark.server.testing.TestDatabases;

class SqliteFeaturePagesTest extends FeaturePagesContractTest {
  @Override
  TestDatabases.Kind kind() {
    return TestDatabases.Kind.SQLITE;
  }
}
