package dev.bulwark.server.notify;

import dev.bulwark.server.testing.TestDatabases;

class SqliteWebhooksTest extends WebhooksContractTest {
  @Override
  TestDatabases.Kind kind() {
    return TestDatabases.Kind.SQLITE;
  }
}
