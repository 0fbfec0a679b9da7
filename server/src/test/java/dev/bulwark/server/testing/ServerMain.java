package dev.bulwark.server.testing;

import dev.bulwark.server.BulwarkServer;
import dev.bulwark.server.config.ServerConfig;
import java.nio.file.Path;
import java.time.Clock;

/** A server in a child process, for crash tests: prints its port, then serves until killed. */
public final class ServerMain {
  private ServerMain() {}

  public static void main(String[] args) throws InterruptedException {
    ServerConfig config =
        ServerConfig.embeddedDefaults(Path.of(args[0]))
            .withBootstrapToken(TestServer.ADMIN)
            .withLimits(1024 * 1024, 1_000_000);
    BulwarkServer server = BulwarkServer.start(config, Clock.systemUTC(), System.out);
    System.out.println("PORT " + server.port());
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
