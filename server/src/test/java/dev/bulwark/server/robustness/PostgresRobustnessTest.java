package dev.bulwark.server.robustness;

import dev.bulwark.server.testing.TestDatabases;

class PostgresRobustnessTest extends RobustnessContractTest {
  @Override
  TestDatabases.Kind kind() {
    return TestDatabases.Kind.POSTGRESQL;
  }
}
