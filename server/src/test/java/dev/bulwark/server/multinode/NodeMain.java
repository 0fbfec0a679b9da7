package dev.bulwark.server.multinode;

import dev.bulwark.server.BulwarkServer;
import dev.bulwark.server.config.ServerConfig;
import dev.bulwark.server.db.Database;
import dev.bulwark.server.net.Cidr;
import dev.bulwark.server.testing.TestServer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * One node of a PostgreSQL deployment in a child process: prints its port, then serves until
 * killed. Arguments: data directory, JDBC URL, user, schema, OSV source directory, the ledger key
 * file the nodes share, and the advisory sync period in seconds (0: off).
 */
public final class NodeMain {
  private NodeMain() {}

  public static void main(String[] args) throws InterruptedException {
    Path data = Path.of(args[0]);
    String url = args[1];
    String user = args[2];
    String schema = args[3];
    ServerConfig config =
        ServerConfig.embeddedDefaults(data)
            .withDb(url, user, null)
            .withBootstrapToken(TestServer.ADMIN)
            .withOsvSources(List.of(Path.of(args[4])))
            .withLedger(
                new ServerConfig.LedgerSettings(
                    "bulwark.test/ledger", Optional.of(Path.of(args[5])), 5, Duration.ofSeconds(1)))
            .withOsvSyncInterval(Duration.ofSeconds(Long.parseLong(args[6])))
            .withExposure(
                new ServerConfig.Exposure(
                    List.of(Cidr.parse("127.0.0.1/32")), List.of(), Duration.ofDays(365)));
    // The schema the test made: a deployment names its database in the URL instead.
    Database db = Database.openPostgres(url, user, null, schema);
    BulwarkServer server = BulwarkServer.start(config, db, Clock.systemUTC(), System.out);
    System.out.println("PORT " + server.port());
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
