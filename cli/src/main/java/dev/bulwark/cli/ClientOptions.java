package dev.bulwark.cli;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options of every command that talks to a server. */
final class ClientOptions {
  @Option(
      names = "--server",
      paramLabel = "URL",
      description = "Server URL (env BULWARK_URL, default http://127.0.0.1:8080).")
  String server;

  @Option(
      names = "--token",
      paramLabel = "TOKEN",
      description =
          "API token (env BULWARK_TOKEN). Prefer the environment: flags show in process lists.")
  String token;

  /** The output convention of every command: --format, -o/--output FILE, --quiet. */
  @Mixin OutputOptions output = new OutputOptions();

  ApiClient client() {
    String url =
        server != null
            ? server
            : System.getenv().getOrDefault("BULWARK_URL", "http://127.0.0.1:8080");
    String t = token != null ? token : System.getenv("BULWARK_TOKEN");
    return new ApiClient(url, t);
  }
}
