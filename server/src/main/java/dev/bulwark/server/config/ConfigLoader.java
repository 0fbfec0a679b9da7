package dev.bulwark.server.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the server configuration with this precedence: command-line flags over {@code BULWARK_*}
 * environment variables over an optional YAML file. Every value is validated here; an unknown key
 * or a bad value throws {@link ConfigException} naming the key and its source. Nothing is silently
 * corrected.
 */
public final class ConfigLoader {
  public static final long DEFAULT_MAX_BODY_BYTES = 16L * 1024 * 1024;
  public static final int DEFAULT_AUTH_FAILURES_PER_MINUTE = 20;

  /** Every key the server understands, in the dotted form used by the config file. */
  public static final Set<String> KEYS =
      Set.of(
          "host",
          "port",
          "data",
          "demo",
          "db.url",
          "db.user",
          "db.password",
          "bootstrap.token",
          "http.maxBodyBytes",
          "auth.failuresPerMinute",
          "oidc.issuer",
          "oidc.audience",
          "oidc.jwksUri",
          "oidc.roleClaim",
          "oidc.teamsClaim",
          "oidc.clockSkewSeconds",
          "oidc.subjectClaim",
          "ledger.origin",
          "ledger.keyFile",
          "ledger.checkpointEvery",
          "ledger.checkpointSeconds",
          "osv.sources",
          "sla.file",
          "osv.syncMinutes",
          "gate.environments",
          "waiver.maxDays",
          "provenance.keysFile",
          "findings.secondPersonCriticalities",
          "webhook.allowedNetworks",
          "http.trustedProxies",
          "token.maxDays",
          "gate.decisionValidMinutes",
          "gate.ceilingMillis",
          "policy.ruleMaxMillis",
          "policy.ruleMaxSize",
          "policy.gateMaxIterations",
          "policy.gateMaxSize",
          "uploads.maxBytes",
          "uploads.maxComponents",
          "uploads.maxFindings",
          "uploads.perToken",
          "console.idleMinutes",
          "console.absoluteHours",
          "console.secureCookies",
          "console.publicUrl",
          "oidc.clientId",
          "oidc.clientSecret",
          "report.maxPeriodDays");

  /**
   * {@code BULWARK_*} variables that are not server settings: the client's, the config file's
   * location and the test suite's switches. They are ignored here rather than reported.
   */
  private static final Set<String> NOT_SERVER_KEYS =
      Set.of(
          "BULWARK_URL",
          "BULWARK_TOKEN",
          "BULWARK_CONFIG",
          "BULWARK_CACHE_DIR",
          "BULWARK_TEST_POSTGRES",
          "BULWARK_JAVA_OPTS",
          "BULWARK_JAVA",
          "BULWARK_LOG_LEVEL",
          "BULWARK_LOG_FORMAT");

  private record Value(String value, String source) {}

  private ConfigLoader() {}

  /**
   * @param flags values given on the command line, keyed by the dotted key
   * @param env the process environment
   * @param file an optional YAML config file
   */
  public static ServerConfig load(Map<String, String> flags, Map<String, String> env, Path file) {
    Map<String, Value> values = new LinkedHashMap<>();
    if (file != null) {
      readFile(file).forEach((k, v) -> values.put(k, new Value(v, "config file " + file)));
    }
    for (Map.Entry<String, String> e : env.entrySet()) {
      String name = e.getKey();
      if (!name.startsWith("BULWARK_")
          || name.startsWith("BULWARK_TEST_")
          || NOT_SERVER_KEYS.contains(name)) {
        continue;
      }
      String key = keyForEnv(name);
      if (key == null) {
        throw new ConfigException("unknown configuration key " + name + " (from the environment)");
      }
      values.put(key, new Value(e.getValue(), "environment variable " + name));
    }
    for (Map.Entry<String, String> e : flags.entrySet()) {
      if (!KEYS.contains(e.getKey())) {
        throw new ConfigException("unknown configuration key " + e.getKey() + " (from a flag)");
      }
      if (e.getValue() != null) {
        values.put(e.getKey(), new Value(e.getValue(), "command-line flag"));
      }
    }
    return build(values);
  }

  /**
   * The environment variable that sets a dotted key: {@code http.maxBodyBytes} to {@code
   * BULWARK_HTTP_MAX_BODY_BYTES}.
   */
  public static String envName(String key) {
    return "BULWARK_"
        + key.replaceAll("([a-z])([A-Z])", "$1_$2").replace('.', '_').toUpperCase(Locale.ROOT);
  }

  private static String keyForEnv(String name) {
    for (String key : KEYS) {
      if (envName(key).equals(name)) {
        return key;
      }
    }
    return null;
  }

  private static Map<String, String> readFile(Path file) {
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readTree(Files.readAllBytes(file));
    } catch (JacksonException e) {
      throw new ConfigException(
          "config file "
              + file
              + " is not valid YAML at line "
              + e.getLocation().getLineNr()
              + ", column "
              + e.getLocation().getColumnNr()
              + ": "
              + e.getOriginalMessage());
    } catch (IOException e) {
      throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
    }
    Map<String, String> out = new LinkedHashMap<>();
    if (root == null || root.isNull() || root.isMissingNode()) {
      return out;
    }
    if (!root.isObject()) {
      throw new ConfigException("config file " + file + " must be a YAML mapping");
    }
    flatten("", root, out, file);
    return out;
  }

  private static void flatten(String prefix, JsonNode node, Map<String, String> out, Path file) {
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      String key = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
      JsonNode v = e.getValue();
      if (v.isObject()) {
        flatten(key, v, out, file);
      } else if (!KEYS.contains(key)) {
        throw new ConfigException(
            "unknown configuration key " + key + " (in config file " + file + ")");
      } else if (v.isContainerNode()) {
        throw new ConfigException(key + " in config file " + file + " must be a single value");
      } else {
        out.put(key, v.asText());
      }
    }
  }

  private static ServerConfig build(Map<String, Value> v) {
    String host = string(v, "host").orElse("127.0.0.1");
    int port = number(v, "port", 0, 65535).orElse(8080L).intValue();
    Path data = string(v, "data").map(Path::of).orElse(Path.of("bulwark-data"));
    boolean demo = bool(v, "demo").orElse(false);
    Optional<String> dbUrl = string(v, "db.url");
    dbUrl.ifPresent(
        url -> {
          if (!url.startsWith("jdbc:postgresql://")) {
            throw bad(v.get("db.url"), "db.url", "must be a jdbc:postgresql:// URL");
          }
        });
    Optional<String> dbUser = string(v, "db.user");
    Optional<ServerConfig.Secret> dbPassword =
        string(v, "db.password").map(ServerConfig.Secret::new);
    if (dbUrl.isPresent()) {
      // PostgreSQL's driver reads no user or password before '@' (it takes them for the host name
      // and prints them in its errors): they move to db.user and db.password, out of the URL.
      String url = dbUrl.get();
      String prefix = "jdbc:postgresql://";
      int slash = url.indexOf('/', prefix.length());
      String authority = url.substring(prefix.length(), slash < 0 ? url.length() : slash);
      int at = authority.lastIndexOf('@');
      if (at >= 0) {
        if (dbUser.isPresent() || dbPassword.isPresent()) {
          throw bad(
              v.get("db.url"),
              "db.url",
              "names a user before '@' while db.user or db.password is set too; give them once");
        }
        String info = authority.substring(0, at);
        int colon = info.indexOf(':');
        String user = colon < 0 ? info : info.substring(0, colon);
        if (!user.isEmpty()) {
          dbUser = Optional.of(java.net.URLDecoder.decode(user, StandardCharsets.UTF_8));
        }
        if (colon >= 0) {
          dbPassword =
              Optional.of(
                  new ServerConfig.Secret(
                      java.net.URLDecoder.decode(
                          info.substring(colon + 1), StandardCharsets.UTF_8)));
        }
        dbUrl = Optional.of(prefix + url.substring(prefix.length() + at + 1));
      }
    }
    long maxBody = number(v, "http.maxBodyBytes", 1024, 1L << 31).orElse(DEFAULT_MAX_BODY_BYTES);
    int failures =
        number(v, "auth.failuresPerMinute", 1, 1_000_000)
            .orElse((long) DEFAULT_AUTH_FAILURES_PER_MINUTE)
            .intValue();

    Optional<ServerConfig.Oidc> oidc = Optional.empty();
    Optional<String> issuer = string(v, "oidc.issuer");
    if (issuer.isPresent()) {
      String iss = issuer.get();
      URI issuerUri = uri(v, "oidc.issuer", iss);
      String audience =
          string(v, "oidc.audience")
              .orElseThrow(
                  () -> new ConfigException("oidc.audience is required when oidc.issuer is set"));
      URI jwks =
          string(v, "oidc.jwksUri")
              .map(s -> uri(v, "oidc.jwksUri", s))
              .orElse(URI.create(stripSlash(issuerUri.toString()) + "/.well-known/jwks.json"));
      oidc =
          Optional.of(
              new ServerConfig.Oidc(
                  iss,
                  audience,
                  jwks,
                  string(v, "oidc.roleClaim").orElse("bulwark_role"),
                  string(v, "oidc.teamsClaim").orElse("bulwark_teams"),
                  Duration.ofSeconds(number(v, "oidc.clockSkewSeconds", 0, 300).orElse(30L)),
                  string(v, "oidc.subjectClaim").orElse("sub")));
    } else {
      for (String k : KEYS) {
        if (k.startsWith("oidc.") && v.containsKey(k)) {
          throw new ConfigException(
              k + " is set (" + v.get(k).source() + ") but oidc.issuer is not");
        }
      }
    }
    ServerConfig.LedgerSettings defaults = ServerConfig.LedgerSettings.defaults();
    ServerConfig.LedgerSettings ledger =
        new ServerConfig.LedgerSettings(
            string(v, "ledger.origin").orElse(defaults.origin()),
            string(v, "ledger.keyFile").map(Path::of),
            number(v, "ledger.checkpointEvery", 1, 10_000_000)
                .orElse((long) defaults.checkpointEvery())
                .intValue(),
            number(v, "ledger.checkpointSeconds", 1, 86_400)
                .map(Duration::ofSeconds)
                .orElse(defaults.checkpointInterval()));
    return new ServerConfig(
        host,
        port,
        data,
        dbUrl,
        dbUser,
        dbPassword,
        string(v, "bootstrap.token").map(ServerConfig.Secret::new),
        maxBody,
        failures,
        demo,
        oidc,
        ledger,
        string(v, "osv.sources").map(ConfigLoader::paths).orElse(List.of()),
        string(v, "sla.file").map(Path::of),
        Duration.ofMinutes(number(v, "osv.syncMinutes", 0, 10_080).orElse(60L)),
        string(v, "osv.sources").map(ConfigLoader::urls).orElse(List.of()),
        new ServerConfig.GateSettings(
            string(v, "gate.environments")
                .map(
                    s ->
                        java.util.Arrays.stream(s.split(","))
                            .map(String::strip)
                            .filter(x -> !x.isEmpty())
                            .toList())
                .orElse(ServerConfig.GateSettings.defaults().environments()),
            number(v, "waiver.maxDays", 1, 3650).orElse(90L).intValue(),
            string(v, "provenance.keysFile").map(Path::of),
            number(v, "gate.decisionValidMinutes", 1, 525_600)
                .map(Duration::ofMinutes)
                .orElse(ServerConfig.GateSettings.DEFAULT_DECISION_VALIDITY),
            budget(v)),
        string(v, "findings.secondPersonCriticalities")
            .map(
                s ->
                    java.util.Arrays.stream(s.split(","))
                        .map(String::strip)
                        .filter(x -> !x.isEmpty() && !x.equals("none"))
                        .toList())
            .orElse(List.of("high", "critical")),
        new ServerConfig.Exposure(
            cidrs(v, "webhook.allowedNetworks"),
            cidrs(v, "http.trustedProxies"),
            number(v, "token.maxDays", 1, 36_500)
                .map(Duration::ofDays)
                .orElse(ServerConfig.Exposure.defaults().tokenMaxLifetime())),
        uploads(v),
        console(v),
        number(v, "report.maxPeriodDays", 1, 36_500)
            .orElse((long) ServerConfig.DEFAULT_REPORT_MAX_PERIOD_DAYS)
            .intValue());
  }

  /** A comma-separated list of IP addresses and CIDR blocks. */
  private static List<dev.bulwark.server.net.Cidr> cidrs(Map<String, Value> v, String key) {
    Value val = v.get(key);
    if (val == null) {
      return List.of();
    }
    try {
      return dev.bulwark.server.net.Cidr.parseList(val.value());
    } catch (IllegalArgumentException e) {
      throw new ConfigException(key + ": " + e.getMessage() + " (from " + val.source() + ")");
    }
  }

  /** What one gate's evaluation may cost; every value has its default in {@code Budget}. */
  private static dev.bulwark.policy.Budget budget(Map<String, Value> v) {
    dev.bulwark.policy.Budget d = dev.bulwark.policy.Budget.DEFAULT;
    return new dev.bulwark.policy.Budget(
        number(v, "policy.ruleMaxSize", 1000, 1L << 31).orElse(d.ruleSize()),
        Duration.ofMillis(
            number(v, "policy.ruleMaxMillis", 1, 600_000).orElse(d.ruleTime().toMillis())),
        number(v, "policy.gateMaxIterations", 1, 1L << 40).orElse(d.gateIterations()),
        number(v, "policy.gateMaxSize", 1000, 1L << 34).orElse(d.gateSize()),
        Duration.ofMillis(
            number(v, "gate.ceilingMillis", 1, 600_000).orElse(d.gateTime().toMillis())));
  }

  private static ServerConfig.ConsoleSettings console(Map<String, Value> v) {
    Duration idle =
        number(v, "console.idleMinutes", 1, 1440)
            .map(Duration::ofMinutes)
            .orElse(ServerConfig.ConsoleSettings.DEFAULT_IDLE);
    Duration absolute =
        number(v, "console.absoluteHours", 1, 720)
            .map(Duration::ofHours)
            .orElse(ServerConfig.ConsoleSettings.DEFAULT_ABSOLUTE);
    Optional<URI> publicUrl =
        string(v, "console.publicUrl").map(s -> uri(v, "console.publicUrl", stripSlash(s)));
    return new ServerConfig.ConsoleSettings(
        idle,
        absolute,
        bool(v, "console.secureCookies").orElse(false),
        publicUrl,
        string(v, "oidc.clientId"),
        string(v, "oidc.clientSecret").map(ServerConfig.Secret::new));
  }

  private static ServerConfig.UploadSettings uploads(Map<String, Value> v) {
    ServerConfig.UploadSettings d = ServerConfig.UploadSettings.defaults();
    return new ServerConfig.UploadSettings(
        number(v, "uploads.maxBytes", 1024, 1L << 31).orElse(d.maxBytes()),
        number(v, "uploads.maxComponents", 1, 10_000_000)
            .orElse((long) d.maxComponents())
            .intValue(),
        number(v, "uploads.maxFindings", 1, 100_000_000).orElse((long) d.maxFindings()).intValue(),
        number(v, "uploads.perToken", 1, 1000).orElse((long) d.perToken()).intValue());
  }

  private static boolean isUrl(String s) {
    return s.startsWith("http://") || s.startsWith("https://");
  }

  /** The http(s) URLs among the OSV sources: export zips fetched with conditional GET. */
  private static List<URI> urls(String list) {
    List<URI> out = new java.util.ArrayList<>();
    for (String p : list.split(",")) {
      String s = p.strip();
      if (isUrl(s)) {
        try {
          URI u = new URI(s);
          if (u.getHost() == null) {
            throw new ConfigException("osv.sources: " + s + " names no host");
          }
          out.add(u);
        } catch (java.net.URISyntaxException e) {
          throw new ConfigException("osv.sources: " + s + " is not a URL: " + e.getReason());
        }
      }
    }
    return out;
  }

  /** A comma-separated list of OSV sources (files, directories or export zips). */
  private static List<Path> paths(String list) {
    List<Path> out = new java.util.ArrayList<>();
    for (String p : list.split(",")) {
      if (!p.isBlank() && !isUrl(p.strip())) {
        out.add(Path.of(p.strip()));
      }
    }
    return out;
  }

  private static String stripSlash(String s) {
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }

  private static URI uri(Map<String, Value> v, String key, String s) {
    try {
      URI u = new URI(s);
      if (!"https".equals(u.getScheme()) && !"http".equals(u.getScheme())) {
        throw bad(v.get(key), key, "must be an http(s) URL");
      }
      return u;
    } catch (URISyntaxException e) {
      throw bad(v.get(key), key, "is not a valid URL");
    }
  }

  private static Optional<String> string(Map<String, Value> v, String key) {
    Value val = v.get(key);
    if (val == null) {
      return Optional.empty();
    }
    if (val.value().isBlank()) {
      throw bad(val, key, "must not be empty");
    }
    return Optional.of(val.value().strip());
  }

  private static Optional<Long> number(Map<String, Value> v, String key, long min, long max) {
    Value val = v.get(key);
    if (val == null) {
      return Optional.empty();
    }
    long n;
    try {
      n = Long.parseLong(val.value().strip());
    } catch (NumberFormatException e) {
      throw bad(val, key, "must be a whole number");
    }
    if (n < min || n > max) {
      throw bad(val, key, "must be between " + min + " and " + max);
    }
    return Optional.of(n);
  }

  private static Optional<Boolean> bool(Map<String, Value> v, String key) {
    Value val = v.get(key);
    if (val == null) {
      return Optional.empty();
    }
    return switch (val.value().strip().toLowerCase(Locale.ROOT)) {
      case "true" -> Optional.of(true);
      case "false" -> Optional.of(false);
      default -> throw bad(val, key, "must be true or false");
    };
  }

  private static ConfigException bad(Value val, String key, String why) {
    // The value itself is not echoed: it may be a secret.
    return new ConfigException(key + " " + why + " (from " + val.source() + ")");
  }
}
