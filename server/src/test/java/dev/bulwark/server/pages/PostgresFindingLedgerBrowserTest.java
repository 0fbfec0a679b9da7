package dev.bulwark.server.pages;

import dev.bulwark.server.testing.TestDatabases;

/** {@link FindingLedgerBrowserTest} on PostgreSQL: the pages' ledger queries in its dialect. */
class PostgresFindingLedgerBrowserTest extends FindingLedgerBrowserTest {
  @Override
  protected TestDatabases.Kind kind() {
    return TestDatabases.Kind.POSTGRESQL;
  }
}
