package dev.bulwark.server.reports;

import dev.bulwark.server.testing.TestDatabases;

class PostgresEvidenceReportTest extends EvidenceReportContractTest {
  @Override
  TestDatabases.Kind kind() {
    return TestDatabases.Kind.POSTGRESQL;
  }
}
