package dev.bulwark.server.ledger;

import dev.bulwark.server.testing.TestDatabases;

class PostgresLedgerTest extends LedgerContractTest {
  @Override
  TestDatabases.Kind kind() {
    return TestDatabases.Kind.POSTGRESQL;
  }
}
