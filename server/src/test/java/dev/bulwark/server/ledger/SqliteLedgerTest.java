package dev.bulwark.server.ledger;

import dev.bulwark.server.testing.TestDatabases;

class SqliteLedgerTest extends LedgerContractTest {
  @Override
  TestDatabases.Kind kind() {
    return TestDatabases.Kind.SQLITE;
  }
}
