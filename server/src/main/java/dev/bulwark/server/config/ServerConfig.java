package dev.bulwark.server.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The validated, immutable configuration of a running server. Built once by {@link ConfigLoader};
 * nothing changes it afterwards. {@link #toString()} masks every secret.
 */
public record ServerConfig(
    String host,
    int port,
    Path dataDir,
    Optional<String> dbUrl,
    Optional<String> dbUser,
    Optional<Secret> dbPassword,
    Optional<Secret> bootstrapToken,
    long maxBodyBytes,
    int authFailuresPerMinute,
    boolean demo,
    Optional<Oidc> oidc,
    LedgerSettings ledger,
    List<Path> osvSources,
    Optional<Path> slaFile,
    Duration osvSyncInterval,
    List<URI> osvUrls,
    GateSettings gates,
    List<String> secondPersonCriticalities,
    Exposure exposure,
    UploadSettings uploads,
    ConsoleSettings console,
    int reportMaxPeriodDays) {

  /** Criticalities whose services need a second person for a by-hand not_affected or fixed. */
  public static final List<String> CRITICALITIES = List.of("low", "medium", "high", "critical");

  /** The longest period an evidence report may cover, unless {@code report.maxPeriodDays} says. */
  public static final int DEFAULT_REPORT_MAX_PERIOD_DAYS = 400;

  public ServerConfig {
    Objects.requireNonNull(uploads, "uploads");
    Objects.requireNonNull(console, "console");
    if (reportMaxPeriodDays < 1 || reportMaxPeriodDays > 36_500) {
      throw new ConfigException("report.maxPeriodDays must be between 1 and 36500");
    }
    secondPersonCriticalities = List.copyOf(secondPersonCriticalities);
    for (String c : secondPersonCriticalities) {
      if (!CRITICALITIES.contains(c)) {
        throw new ConfigException(
            "findings.secondPersonCriticalities: '" + c + "' is not one of " + CRITICALITIES);
      }
    }
    Objects.requireNonNull(gates, "gates");
    Objects.requireNonNull(exposure, "exposure");
    osvUrls = List.copyOf(osvUrls);
    Objects.requireNonNull(osvSyncInterval, "osvSyncInterval");
    Objects.requireNonNull(slaFile, "slaFile");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(dbUrl, "dbUrl");
    Objects.requireNonNull(dbUser, "dbUser");
    Objects.requireNonNull(dbPassword, "dbPassword");
    Objects.requireNonNull(bootstrapToken, "bootstrapToken");
    Objects.requireNonNull(oidc, "oidc");
    Objects.requireNonNull(ledger, "ledger");
    osvSources = List.copyOf(osvSources);
    if (port < 0 || port > 65535) {
      throw new ConfigException("port must be between 0 and 65535, was " + port);
    }
    if (maxBodyBytes < 1024) {
      throw new ConfigException("http.maxBodyBytes must be at least 1024, was " + maxBodyBytes);
    }
    if (authFailuresPerMinute < 1) {
      throw new ConfigException("auth.failuresPerMinute must be at least 1");
    }
  }

  /** True when the server runs on the embedded SQLite database in {@link #dataDir()}. */
  public boolean embedded() {
    return dbUrl.isEmpty();
  }

  /**
   * OIDC issuer settings: JWT bearer tokens from this issuer are accepted. {@code subjectClaim}
   * names the claim holding the person an identity stands for (default {@code sub}).
   */
  public record Oidc(
      String issuer,
      String audience,
      URI jwksUri,
      String roleClaim,
      String teamsClaim,
      Duration clockSkew,
      String subjectClaim) {
    public Oidc(
        String issuer,
        String audience,
        URI jwksUri,
        String roleClaim,
        String teamsClaim,
        Duration clockSkew) {
      this(issuer, audience, jwksUri, roleClaim, teamsClaim, clockSkew, "sub");
    }

    public Oidc {
      Objects.requireNonNull(subjectClaim, "subjectClaim");
      Objects.requireNonNull(issuer, "issuer");
      Objects.requireNonNull(audience, "audience");
      Objects.requireNonNull(jwksUri, "jwksUri");
      Objects.requireNonNull(roleClaim, "roleClaim");
      Objects.requireNonNull(teamsClaim, "teamsClaim");
      Objects.requireNonNull(clockSkew, "clockSkew");
    }
  }

  /** The ledger: its origin (also the signing key's name), key file, and checkpoint cadence. */
  public record LedgerSettings(
      String origin, Optional<Path> keyFile, int checkpointEvery, Duration checkpointInterval) {
    public LedgerSettings {
      Objects.requireNonNull(origin, "origin");
      Objects.requireNonNull(keyFile, "keyFile");
      Objects.requireNonNull(checkpointInterval, "checkpointInterval");
      if (origin.isBlank()
          || origin.contains("+")
          || origin.chars().anyMatch(Character::isWhitespace)) {
        throw new ConfigException("ledger.origin must be non-empty, without '+' or white space");
      }
      if (checkpointEvery < 1) {
        throw new ConfigException("ledger.checkpointEvery must be at least 1");
      }
    }

    public static LedgerSettings defaults() {
      return new LedgerSettings(
          "bulwark.local/ledger", Optional.empty(), 1000, Duration.ofSeconds(10));
    }
  }

  /**
   * Where the server meets the outside: the networks webhooks may reach although they are internal,
   * the reverse proxies whose {@code X-Forwarded-For} is believed, and the longest an API token may
   * live.
   */
  public record Exposure(
      List<dev.bulwark.server.net.Cidr> webhookAllowedNetworks,
      List<dev.bulwark.server.net.Cidr> trustedProxies,
      Duration tokenMaxLifetime) {
    public Exposure {
      webhookAllowedNetworks = List.copyOf(webhookAllowedNetworks);
      trustedProxies = List.copyOf(trustedProxies);
      Objects.requireNonNull(tokenMaxLifetime, "tokenMaxLifetime");
      if (tokenMaxLifetime.compareTo(Duration.ofDays(1)) < 0
          || tokenMaxLifetime.compareTo(Duration.ofDays(36_500)) > 0) {
        throw new ConfigException("token.maxDays must be between 1 and 36500");
      }
    }

    public static Exposure defaults() {
      return new Exposure(List.of(), List.of(), Duration.ofDays(365));
    }
  }

  /**
   * Release gates: the environments in promotion order, the longest a waiver may run, the file of
   * public keys trusted to sign attestations, how long an allow decision lets a digest deploy, and
   * what evaluating one gate may cost (its ceiling included).
   */
  public record GateSettings(
      List<String> environments,
      int waiverMaxDays,
      Optional<Path> trustedKeysFile,
      Duration decisionValidity,
      dev.bulwark.policy.Budget budget) {
    public static final Duration DEFAULT_DECISION_VALIDITY = Duration.ofHours(24);

    public GateSettings(
        List<String> environments, int waiverMaxDays, Optional<Path> trustedKeysFile) {
      this(
          environments,
          waiverMaxDays,
          trustedKeysFile,
          DEFAULT_DECISION_VALIDITY,
          dev.bulwark.policy.Budget.DEFAULT);
    }

    public GateSettings(
        List<String> environments,
        int waiverMaxDays,
        Optional<Path> trustedKeysFile,
        Duration decisionValidity) {
      this(
          environments,
          waiverMaxDays,
          trustedKeysFile,
          decisionValidity,
          dev.bulwark.policy.Budget.DEFAULT);
    }

    public GateSettings(
        List<String> environments,
        int waiverMaxDays,
        Optional<Path> trustedKeysFile,
        dev.bulwark.policy.Budget budget) {
      this(environments, waiverMaxDays, trustedKeysFile, DEFAULT_DECISION_VALIDITY, budget);
    }

    public GateSettings {
      environments = List.copyOf(environments);
      Objects.requireNonNull(trustedKeysFile, "trustedKeysFile");
      Objects.requireNonNull(decisionValidity, "decisionValidity");
      if (decisionValidity.compareTo(Duration.ofMinutes(1)) < 0
          || decisionValidity.compareTo(Duration.ofDays(365)) > 0) {
        throw new ConfigException("gate.decisionValidMinutes must be between 1 and 525600");
      }
      Objects.requireNonNull(budget, "budget");
      if (environments.isEmpty()) {
        throw new ConfigException("gate.environments must name at least one environment");
      }
      if (new java.util.HashSet<>(environments).size() != environments.size()) {
        throw new ConfigException("gate.environments names an environment twice: " + environments);
      }
      for (String e : environments) {
        if (!e.matches("[a-z0-9][a-z0-9_-]{0,39}")) {
          throw new ConfigException(
              "gate.environments: '" + e + "' (lowercase letters, digits, '_' and '-')");
        }
      }
      if (waiverMaxDays < 1 || waiverMaxDays > 3650) {
        throw new ConfigException("waiver.maxDays must be between 1 and 3650");
      }
    }

    public static GateSettings defaults() {
      return new GateSettings(List.of("dev", "staging", "prod"), 90, Optional.empty());
    }
  }

  /**
   * Heavy uploads (SBOM, SARIF, VEX, catalog import): the largest body, the most components and
   * findings one SBOM may bring, and how many heavy requests one token may have running at once.
   */
  public record UploadSettings(long maxBytes, int maxComponents, int maxFindings, int perToken) {
    public UploadSettings {
      if (maxBytes < 1024) {
        throw new ConfigException("uploads.maxBytes must be at least 1024, was " + maxBytes);
      }
      if (maxComponents < 1) {
        throw new ConfigException("uploads.maxComponents must be at least 1");
      }
      if (maxFindings < 1) {
        throw new ConfigException("uploads.maxFindings must be at least 1");
      }
      if (perToken < 1) {
        throw new ConfigException("uploads.perToken must be at least 1");
      }
    }

    public static UploadSettings defaults() {
      return new UploadSettings(ConfigLoader.DEFAULT_MAX_BODY_BYTES, 60_000, 180_000, 2);
    }
  }

  /**
   * The web console: how long a session lives without a request ({@code idleTimeout}) and at most
   * ({@code absoluteTimeout}); whether its cookie is always {@code Secure} (it is anyway when the
   * request came over TLS); the address browsers reach the server at, for the OIDC redirect (taken
   * from the request when absent); and the OIDC client the console signs in with.
   */
  public record ConsoleSettings(
      Duration idleTimeout,
      Duration absoluteTimeout,
      boolean secureCookies,
      Optional<URI> publicUrl,
      Optional<String> oidcClientId,
      Optional<Secret> oidcClientSecret) {
    public ConsoleSettings {
      Objects.requireNonNull(idleTimeout, "idleTimeout");
      Objects.requireNonNull(absoluteTimeout, "absoluteTimeout");
      Objects.requireNonNull(publicUrl, "publicUrl");
      Objects.requireNonNull(oidcClientId, "oidcClientId");
      Objects.requireNonNull(oidcClientSecret, "oidcClientSecret");
      if (idleTimeout.compareTo(Duration.ofMinutes(1)) < 0
          || idleTimeout.compareTo(Duration.ofDays(1)) > 0) {
        throw new ConfigException("console.idleMinutes must be between 1 and 1440");
      }
      if (absoluteTimeout.compareTo(idleTimeout) < 0
          || absoluteTimeout.compareTo(Duration.ofDays(30)) > 0) {
        throw new ConfigException(
            "console.absoluteHours must be at least the idle timeout and at most 720");
      }
    }

    public static final Duration DEFAULT_IDLE = Duration.ofMinutes(30);
    public static final Duration DEFAULT_ABSOLUTE = Duration.ofHours(12);

    public static ConsoleSettings defaults() {
      return new ConsoleSettings(
          DEFAULT_IDLE,
          DEFAULT_ABSOLUTE,
          false,
          Optional.empty(),
          Optional.empty(),
          Optional.empty());
    }
  }

  public ServerConfig withConsole(ConsoleSettings value) {
    Copy b = new Copy(this);
    b.console = value;
    return b.build();
  }

  public ServerConfig withUploads(UploadSettings value) {
    Copy b = new Copy(this);
    b.uploads = value;
    return b.build();
  }

  /** The longest period, in days, one evidence report may cover (longer asks answer 422). */
  public ServerConfig withReportMaxPeriodDays(int value) {
    Copy b = new Copy(this);
    b.reportMaxPeriodDays = value;
    return b.build();
  }

  public ServerConfig withExposure(Exposure value) {
    Copy b = new Copy(this);
    b.exposure = value;
    return b.build();
  }

  public ServerConfig withGates(GateSettings value) {
    Copy b = new Copy(this);
    b.gates = value;
    return b.build();
  }

  /** The criticalities whose by-hand not_affected and fixed verdicts need a second person. */
  public ServerConfig withSecondPersonCriticalities(List<String> value) {
    Copy b = new Copy(this);
    b.secondPersonCriticalities = value;
    return b.build();
  }

  public ServerConfig withDb(String url, String user, String password) {
    Copy b = new Copy(this);
    b.dbUrl = Optional.of(url);
    b.dbUser = Optional.ofNullable(user);
    b.dbPassword = Optional.ofNullable(password).map(Secret::new);
    return b.build();
  }

  public ServerConfig withBootstrapToken(String token) {
    Copy b = new Copy(this);
    b.bootstrapToken = Optional.of(new Secret(token));
    return b.build();
  }

  public ServerConfig withOidc(Oidc value) {
    Copy b = new Copy(this);
    b.oidc = Optional.of(value);
    return b.build();
  }

  public ServerConfig withLimits(long maxBody, int failuresPerMinute) {
    Copy b = new Copy(this);
    b.maxBodyBytes = maxBody;
    b.authFailuresPerMinute = failuresPerMinute;
    return b.build();
  }

  public ServerConfig withDemo(boolean value) {
    Copy b = new Copy(this);
    b.demo = value;
    return b.build();
  }

  public ServerConfig withLedger(LedgerSettings value) {
    Copy b = new Copy(this);
    b.ledger = value;
    return b.build();
  }

  public ServerConfig withOsvUrls(List<URI> urls) {
    Copy b = new Copy(this);
    b.osvUrls = urls;
    return b.build();
  }

  /** How often the OSV sources are synced; zero turns the schedule off. */
  public ServerConfig withOsvSyncInterval(Duration every) {
    Copy b = new Copy(this);
    b.osvSyncInterval = every;
    return b.build();
  }

  public ServerConfig withSlaFile(Path file) {
    Copy b = new Copy(this);
    b.slaFile = Optional.of(file);
    return b.build();
  }

  public ServerConfig withOsvSources(List<Path> sources) {
    Copy b = new Copy(this);
    b.osvSources = sources;
    return b.build();
  }

  /** A mutable copy, so that each with-method changes one thing and states nothing else. */
  private static final class Copy {
    String host;
    int port;
    Path dataDir;
    Optional<String> dbUrl;
    Optional<String> dbUser;
    Optional<Secret> dbPassword;
    Optional<Secret> bootstrapToken;
    long maxBodyBytes;
    int authFailuresPerMinute;
    boolean demo;
    Optional<Oidc> oidc;
    LedgerSettings ledger;
    List<Path> osvSources;
    Optional<Path> slaFile;
    Duration osvSyncInterval;
    List<URI> osvUrls;
    GateSettings gates;
    List<String> secondPersonCriticalities;
    Exposure exposure;
    UploadSettings uploads;
    ConsoleSettings console;
    int reportMaxPeriodDays;

    Copy(ServerConfig c) {
      uploads = c.uploads;
      console = c.console;
      reportMaxPeriodDays = c.reportMaxPeriodDays;
      gates = c.gates;
      secondPersonCriticalities = c.secondPersonCriticalities;
      exposure = c.exposure;
      host = c.host;
      port = c.port;
      dataDir = c.dataDir;
      dbUrl = c.dbUrl;
      dbUser = c.dbUser;
      dbPassword = c.dbPassword;
      bootstrapToken = c.bootstrapToken;
      maxBodyBytes = c.maxBodyBytes;
      authFailuresPerMinute = c.authFailuresPerMinute;
      demo = c.demo;
      oidc = c.oidc;
      ledger = c.ledger;
      osvSources = c.osvSources;
      slaFile = c.slaFile;
      osvSyncInterval = c.osvSyncInterval;
      osvUrls = c.osvUrls;
    }

    ServerConfig build() {
      return new ServerConfig(
          host,
          port,
          dataDir,
          dbUrl,
          dbUser,
          dbPassword,
          bootstrapToken,
          maxBodyBytes,
          authFailuresPerMinute,
          demo,
          oidc,
          ledger,
          osvSources,
          slaFile,
          osvSyncInterval,
          osvUrls,
          gates,
          secondPersonCriticalities,
          exposure,
          uploads,
          console,
          reportMaxPeriodDays);
    }
  }

  /** A secret value whose string form never shows the value, so it cannot leak into a log. */
  public record Secret(String value) {
    public Secret {
      Objects.requireNonNull(value, "value");
    }

    @Override
    public String toString() {
      return "****";
    }
  }

  /** A defaults-filled config for tests and embedding. */
  public static ServerConfig embeddedDefaults(Path dataDir) {
    return new ServerConfig(
        "127.0.0.1",
        0,
        dataDir,
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        ConfigLoader.DEFAULT_MAX_BODY_BYTES,
        ConfigLoader.DEFAULT_AUTH_FAILURES_PER_MINUTE,
        false,
        Optional.empty(),
        LedgerSettings.defaults(),
        List.of(),
        Optional.empty(),
        Duration.ZERO,
        List.of(),
        GateSettings.defaults(),
        List.of("high", "critical"),
        Exposure.defaults(),
        UploadSettings.defaults(),
        ConsoleSettings.defaults(),
        DEFAULT_REPORT_MAX_PERIOD_DAYS);
  }

  /** Masks the database URL's password; the secret fields mask themselves. */
  @Override
  public String toString() {
    return "ServerConfig["
        + String.join(", ", describe())
        + ", dbUser="
        + dbUser.orElse("-")
        + ", dbPassword="
        + dbPassword.map(Secret::toString).orElse("-")
        + ", bootstrapToken="
        + bootstrapToken.map(Secret::toString).orElse("-")
        + ", maxBodyBytes="
        + maxBodyBytes
        + ", authFailuresPerMinute="
        + authFailuresPerMinute
        + ", demo="
        + demo
        + "]";
  }

  public List<String> describe() {
    return List.of(
        "host=" + host,
        "port=" + port,
        "data=" + dataDir,
        "db=" + dbUrl.map(ServerConfig::maskUrl).orElse("embedded SQLite"),
        "oidc=" + oidc.map(Oidc::issuer).orElse("off"));
  }

  /**
   * A JDBC URL with every password masked: in the user information ({@code //user:pass@host}) and
   * in any property whose name mentions a password or secret ({@code ?password=}, {@code
   * &sslpassword=}, {@code ;secret=}).
   */
  public static String maskUrl(String url) {
    if (url == null) {
      return null;
    }
    return url.replaceAll("(//[^/?#:@]*:)[^/?#]*@", "$1****@")
        .replaceAll("(?i)([?&;][^=&;?#]*(?:password|passwd|pwd|secret)[^=&;?#]*=)[^&;]*", "$1****");
  }

  /**
   * {@code text} (a driver's error message, say) with every password of {@code url} and {@code
   * password} itself replaced by {@code ****}, and any URL in it masked.
   */
  public static String maskSecrets(String text, String url, String password) {
    if (text == null) {
      return null;
    }
    String out = text;
    java.util.List<String> secrets = new java.util.ArrayList<>();
    if (password != null) {
      secrets.add(password);
    }
    if (url != null) {
      java.util.regex.Matcher m =
          java.util.regex.Pattern.compile(
                  "(?i)(?://[^/?#:@]*:([^/?#]*)@)|(?:[?&;][^=&;?#]*(?:password|passwd|pwd|secret)[^=&;?#]*=([^&;]*))")
              .matcher(url);
      while (m.find()) {
        secrets.add(m.group(1) != null ? m.group(1) : m.group(2));
      }
    }
    for (String s : secrets) {
      if (s != null && !s.isEmpty()) {
        out = out.replace(s, "****");
      }
    }
    return maskUrl(out);
  }
}
