package dev.bulwark.server.catalog;

import dev.bulwark.server.testing.TestDatabases;

class SqliteCatalogImportTest extends CatalogImportContractTest {
  @Override
  TestDatabases.Kind kind() {
    return TestDatabases.Kind.SQLITE;
  }
}
