package dev.bulwark.server.notify;

import dev.bulwark.server.testing.TestDatabases;

class PostgresWebhooksTest extends WebhooksContractTest {
  @Override
  TestDatabases.Kind kind() {
    return TestDatabases.Kind.POSTGRESQL;
  }
}
