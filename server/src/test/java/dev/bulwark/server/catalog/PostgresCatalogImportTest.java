package dev.bulwark.server.catalog;

import dev.bulwark.server.testing.TestDatabases;

class PostgresCatalogImportTest extends CatalogImportContractTest {
  @Override
  TestDatabases.Kind kind() {
    return TestDatabases.Kind.POSTGRESQL;
  }
}
