package dev.bulwark.server.testing;

import dev.bulwark.server.BulwarkServer;
import dev.bulwark.server.config.ServerConfig;
import dev.bulwark.server.feature.Feature;
import dev.bulwark.server.feature.FeatureContext;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/** A real server on a free port over a test database, with a known admin token and a fake clock. */
public final class TestServer implements AutoCloseable {
  public static final String ADMIN = "bwk_test-admin-token-0123456789abcdefghijklmnop";

  public final MutableClock clock = MutableClock.at("2026-11-27T10:00:00Z");
  public final TestDatabases.TestDb testDb;
  public final BulwarkServer server;
  public final Http http;
  public final Path dataDir;
  private final ByteArrayOutputStream console = new ByteArrayOutputStream();

  public TestServer(TestDatabases.Kind kind, Path dataDir) {
    this(kind, dataDir, c -> c);
  }

  public TestServer(TestDatabases.Kind kind, Path dataDir, UnaryOperator<ServerConfig> tweak) {
    this(kind, dataDir, tweak, List.of());
  }

  /** A server that also runs {@code extra}: the test-only features (docs/adding-a-feature.md). */
  public TestServer(
      TestDatabases.Kind kind,
      Path dataDir,
      UnaryOperator<ServerConfig> tweak,
      List<Function<FeatureContext, Feature>> extra) {
    this.dataDir = dataDir;
    this.testDb = TestDatabases.open(kind, dataDir);
    ServerConfig config =
        tweak.apply(
            ServerConfig.embeddedDefaults(dataDir)
                .withBootstrapToken(ADMIN)
                .withLimits(64 * 1024, 20)
                // Tests move the clock by years; tokens that tests issue without an expiry must
                // outlive that. AuthLimitsContractTest checks the real default.
                .withExposure(
                    new ServerConfig.Exposure(
                        List.of(), List.of(), java.time.Duration.ofDays(36_500))));
    this.server =
        BulwarkServer.start(
            config,
            testDb.db(),
            clock,
            new PrintStream(console, true, StandardCharsets.UTF_8),
            extra);
    this.http = new Http(server.port());
  }

  public String console() {
    return console.toString(StandardCharsets.UTF_8);
  }

  private final java.util.concurrent.atomic.AtomicInteger people =
      new java.util.concurrent.atomic.AtomicInteger();

  /**
   * Issues a token through the API and returns its secret. Each token stands for a person of its
   * own (subject {@code <role>-<teams>-<n>}), as two tokens of two engineers would.
   */
  public String token(String role, String... teams) {
    return tokenFor(
        role + "-" + String.join("-", teams) + "-" + people.incrementAndGet(), role, teams);
  }

  /** Issues a token for a named subject (the person it stands for) and returns its secret. */
  public String tokenFor(String subject, String role, String... teams) {
    var r =
        http.post(
            "/api/v1/tokens",
            ADMIN,
            java.util.Map.of(
                "name",
                role + "-" + String.join("-", teams),
                "role",
                role,
                "teams",
                java.util.List.of(teams),
                "subject",
                subject));
    if (r.status() != 201) {
      throw new AssertionError("cannot issue token: " + r.text());
    }
    return r.json().get("token").asText();
  }

  @Override
  public void close() {
    server.close();
    testDb.close();
  }
}
