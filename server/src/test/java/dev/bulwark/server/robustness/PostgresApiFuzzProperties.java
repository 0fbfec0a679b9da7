package dev.bulwark.server.robustness;

import dev.bulwark.server.testing.TestDatabases;

class PostgresApiFuzzProperties extends ApiFuzzContract {
  @Override
  TestDatabases.Kind kind() {
    return TestDatabases.Kind.POSTGRESQL;
  }
}
