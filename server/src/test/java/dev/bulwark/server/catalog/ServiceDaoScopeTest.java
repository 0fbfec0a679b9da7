package dev.bulwark.server.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.server.auth.Principal;
import dev.bulwark.server.auth.Role;
import dev.bulwark.server.testing.TestDatabases;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The team scope lives in the SQL: the DAO itself cannot return or change another team's rows,
 * whatever its caller checked or forgot to check.
 */
class ServiceDaoScopeTest {
  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(TestDatabases.Kind.class)
  void statementsCannotReachOutsideTheCallersTeams(TestDatabases.Kind kind) {
    try (var t = TestDatabases.open(kind, dir)) {
      ServiceDao dao = new ServiceDao(t.db().dialect());
      Principal admin = Principal.system();
      Principal red = new Principal("token:red", Role.developer, List.of("red"));
      Principal none = new Principal("token:none", Role.auditor, List.of());
      Instant now = Instant.parse("2026-01-01T00:00:00Z");
      t.db()
          .jdbi()
          .useTransaction(
              h -> {
                assertThat(
                        dao.insert(
                            h,
                            new ServiceInput("r1", "red", Area.data, Criticality.low, null),
                            now,
                            admin))
                    .isTrue();
                assertThat(
                        dao.insert(
                            h,
                            new ServiceInput("b1", "blue", Area.data, Criticality.low, null),
                            now,
                            admin))
                    .isTrue();
                // Insert of another team's service by a red principal does nothing.
                assertThat(
                        dao.insert(
                            h,
                            new ServiceInput("b2", "blue", Area.data, Criticality.low, null),
                            now,
                            red))
                    .isFalse();
                assertThat(dao.find(h, "b1", red)).isEmpty();
                assertThat(dao.find(h, "r1", red)).isPresent();
                assertThat(dao.find(h, "r1", none)).isEmpty();
                assertThat(dao.list(h, red, null)).extracting(Service::name).containsExactly("r1");
                assertThat(dao.list(h, none, null)).isEmpty();
                assertThat(
                        dao.update(
                            h,
                            new ServiceInput("b1", "blue", Area.website, Criticality.high, null),
                            now,
                            red))
                    .isFalse();
                assertThat(
                        dao.update(
                            h,
                            new ServiceInput("r1", "blue", Area.website, Criticality.high, null),
                            now,
                            red))
                    .isFalse();
                assertThat(dao.archive(h, "b1", red, now, "red")).isEmpty();
                assertThat(dao.find(h, "b1", admin).orElseThrow().area()).isEqualTo(Area.data);
                assertThat(dao.list(h, admin, null)).hasSize(2);
              });
    }
  }
}
