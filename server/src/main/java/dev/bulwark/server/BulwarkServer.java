package dev.bulwark.server;

import dev.bulwark.server.advisories.Advisories;
import dev.bulwark.server.advisories.AdvisorySyncJob;
import dev.bulwark.server.auth.Authenticator;
import dev.bulwark.server.auth.FailedAuthLimiter;
import dev.bulwark.server.auth.OidcVerifier;
import dev.bulwark.server.auth.Principal;
import dev.bulwark.server.backup.BackupRoutes;
import dev.bulwark.server.catalog.Catalog;
import dev.bulwark.server.catalog.CatalogRoutes;
import dev.bulwark.server.config.ConfigException;
import dev.bulwark.server.config.ServerConfig;
import dev.bulwark.server.db.Database;
import dev.bulwark.server.db.JobLock;
import dev.bulwark.server.demo.DemoData;
import dev.bulwark.server.feature.Feature;
import dev.bulwark.server.feature.Job;
import dev.bulwark.server.gates.Gates;
import dev.bulwark.server.http.ApiRoute;
import dev.bulwark.server.http.HttpApi;
import dev.bulwark.server.http.SystemRoutes;
import dev.bulwark.server.ledger.AuditRoutes;
import dev.bulwark.server.ledger.Ledger;
import dev.bulwark.server.ledger.LedgerAuditLog;
import dev.bulwark.server.ledger.LedgerKeys;
import dev.bulwark.server.ledger.LedgerRoutes;
import dev.bulwark.server.ledger.LedgerStore;
import dev.bulwark.server.ledger.LedgerWriter;
import dev.bulwark.server.net.Destinations;
import dev.bulwark.server.notify.WebhookDispatcher;
import dev.bulwark.server.notify.WebhookRoutes;
import dev.bulwark.server.notify.WebhookSecrets;
import dev.bulwark.server.notify.Webhooks;
import dev.bulwark.server.releases.ReleaseRevisions;
import dev.bulwark.server.releases.ReleaseRoutes;
import dev.bulwark.server.releases.Releases;
import dev.bulwark.server.releases.SlaPolicy;
import dev.bulwark.server.tokens.TokenRoutes;
import dev.bulwark.server.tokens.TokenService;
import io.javalin.Javalin;
import io.javalin.event.HandlerMetaInfo;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Bulwark server: the database, every feature's routes and the HTTP listener. Start it
 * with {@link #start}; {@link #close} stops it and releases the data directory.
 */
public final class BulwarkServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BulwarkServer.class);

  private final Database db;
  private final Javalin app;
  private final LedgerWriter ledgerWriter;
  private final List<Job> jobs;
  private final List<ApiRoute> routes;
  private final List<HandlerMetaInfo> registered;
  private final Gates gates;

  private BulwarkServer(
      Database db,
      Javalin app,
      LedgerWriter ledgerWriter,
      List<Job> jobs,
      List<ApiRoute> routes,
      List<HandlerMetaInfo> registered,
      Gates gates) {
    this.gates = gates;
    this.jobs = jobs;
    this.db = db;
    this.app = app;
    this.ledgerWriter = ledgerWriter;
    this.routes = routes;
    this.registered = registered;
  }

  /**
   * Opens the database, migrates it, installs the bootstrap token on a first start, seeds demo data
   * when asked, and starts listening. One-time secrets are written to {@code console}.
   */
  public static BulwarkServer start(ServerConfig config, Clock clock, PrintStream console) {
    LOG.info("starting Bulwark: {}", String.join(", ", config.describe()));
    Database db = Database.open(config);
    try {
      return start(config, db, clock, console);
    } catch (RuntimeException e) {
      db.close();
      throw e;
    }
  }

  /** Starts on an already opened database, which the server then owns. */
  public static BulwarkServer start(
      ServerConfig config, Database db, Clock clock, PrintStream console) {
    try {
      dev.bulwark.server.db.PrivateFiles.tree(config.dataDir());
    } catch (java.io.IOException e) {
      throw new ConfigException(
          "cannot make data directory " + config.dataDir() + " private: " + e.getMessage());
    }
    var ledgerStore = new LedgerStore(db.jdbi(), db.dialect());
    var signer =
        LedgerKeys.loadOrCreate(
            config.ledger().keyFile().orElse(config.dataDir().resolve("ledger-signing.key")),
            config.ledger().origin());
    var ledgerWriter =
        new LedgerWriter(
            ledgerStore,
            signer,
            clock,
            config.ledger().checkpointEvery(),
            config.ledger().checkpointInterval());
    var audit =
        new LedgerAuditLog(ledgerStore, clock, ledgerWriter::appended, new ReleaseRevisions());
    var tokens = new TokenService(db.jdbi(), db.writes(), audit, clock);
    var catalog = new Catalog(db, audit, clock);
    var advisories =
        new Advisories(
            config.osvSources(), config.osvUrls(), config.dataDir().resolve("osv-cache"));
    try {
      advisories.load();
    } catch (dev.bulwark.vuln.osv.OsvFormatException | java.io.IOException e) {
      throw new ConfigException("cannot load the OSV sources: " + e.getMessage());
    }
    SlaPolicy sla = config.slaFile().map(SlaPolicy::read).orElse(SlaPolicy.DEFAULTS);
    var webhooks =
        new Webhooks(
            db,
            audit,
            clock,
            WebhookSecrets.loadOrCreate(
                config
                    .ledger()
                    .keyFile()
                    .orElse(config.dataDir().resolve("ledger-signing.key"))
                    .toAbsolutePath()
                    .resolveSibling(WebhookSecrets.KEY_FILE)),
            new Destinations(config.exposure().webhookAllowedNetworks()));
    int encrypted = webhooks.encryptStoredSecrets();
    if (encrypted > 0) {
      LOG.info("encrypted {} webhook secrets stored in clear by an older version", encrypted);
    }
    var releases =
        new Releases(
            db,
            catalog,
            advisories,
            audit,
            clock,
            sla,
            webhooks,
            config.secondPersonCriticalities(),
            config.uploads());
    releases.cleanUpAbandonedUploads();
    var dispatcher = new WebhookDispatcher(db, overdueFindings(releases), webhooks, clock);
    var advisorySync =
        new AdvisorySyncJob(releases, new JobLock(db, clock), config.osvSyncInterval(), clock);
    var gates = new dev.bulwark.server.gates.Gates(db, releases, audit, clock, config.gates());
    var waivers =
        new dev.bulwark.server.gates.Waivers(db, audit, clock, config.gates().waiverMaxDays());
    var attestations =
        new dev.bulwark.server.gates.Attestations(
            db,
            audit,
            clock,
            dev.bulwark.server.gates.Attestations.readKeys(config.gates().trustedKeysFile()));
    Optional<OidcVerifier> oidc = config.oidc().map(o -> new OidcVerifier(o, clock));
    var auth =
        new Authenticator(
            tokens,
            oidc,
            new FailedAuthLimiter(config.authFailuresPerMinute(), clock),
            config.exposure().trustedProxies());

    tokens
        .bootstrap(config.bootstrapToken().map(ServerConfig.Secret::value))
        .ifPresent(
            issued -> {
              if (config.bootstrapToken().isPresent()) {
                console.println("Installed the initial admin token from BULWARK_BOOTSTRAP_TOKEN.");
              } else {
                console.println(
                    "Initial admin token (shown once, store it now): " + issued.secret());
              }
            });
    if (config.demo()) {
      for (TokenService.Issued t : DemoData.seed(catalog, tokens)) {
        console.println(
            "Demo token " + t.token().role() + " " + t.token().teams() + ": " + t.secret());
      }
      if (gates.bundles(Principal.system()).isEmpty()) {
        Gates.Pushed starter = gates.seed(Principal.system(), "demo", DemoData.starterPolicies());
        console.println(
            "Demo policy bundle (the starter bundle): "
                + starter.policies()
                + " policies, "
                + starter.rules()
                + " rules, "
                + starter.digest());
      }
    }

    var metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(metrics);
    new JvmThreadMetrics().bindTo(metrics);
    new ProcessorMetrics().bindTo(metrics);

    // Every feature the server runs; adding one is one line here (docs/adding-a-feature.md).
    List<Feature> features =
        List.of(
            Feature.of("system", new SystemRoutes(metrics, db::isUp).routes(), List.of()),
            Feature.of(
                "tokens",
                new TokenRoutes(tokens, config.exposure().tokenMaxLifetime(), clock).routes(),
                List.of()),
            Feature.of("catalog", new CatalogRoutes(catalog).routes(), List.of()),
            Feature.of(
                "releases",
                new ReleaseRoutes(releases).routes(),
                List.of(
                    Job.of(
                        () -> advisorySync.start(java.time.Duration.ofSeconds(5)),
                        advisorySync::close))),
            Feature.of(
                "notify",
                new WebhookRoutes(webhooks).routes(),
                List.of(
                    Job.of(
                        () -> dispatcher.start(java.time.Duration.ofSeconds(1)),
                        dispatcher::close))),
            Feature.of("audit", new AuditRoutes(ledgerStore).routes(), List.of()),
            Feature.of(
                "ledger",
                new LedgerRoutes(new Ledger(ledgerStore), signer.verifier()).routes(),
                List.of()),
            Feature.of("backup", new BackupRoutes(db, audit, config.dataDir()).routes(), List.of()),
            Feature.of(
                "gates",
                new dev.bulwark.server.gates.GateRoutes(gates, waivers, attestations).routes(),
                List.of()));
    List<ApiRoute> routes = new ArrayList<>();
    List<Job> jobs = new ArrayList<>();
    for (Feature f : features) {
      routes.addAll(f.routes());
      jobs.addAll(f.jobs());
    }
    var heavy =
        new dev.bulwark.server.http.HeavyRequests(
            config.uploads().perToken(), config.uploads().maxBytes());
    routes.replaceAll(heavy::guard);

    List<HandlerMetaInfo> registered = new ArrayList<>();
    Javalin app =
        HttpApi.create(
            config.host(),
            config.port(),
            List.copyOf(routes),
            auth,
            metrics,
            config.maxBodyBytes(),
            registered::add);
    ledgerWriter.start();
    app.start();
    for (Job job : jobs) {
      job.start();
    }
    LOG.info("Bulwark listens on http://{}:{}", config.host(), app.port());
    return new BulwarkServer(
        db,
        app,
        ledgerWriter,
        List.copyOf(jobs),
        List.copyOf(routes),
        List.copyOf(registered),
        gates);
  }

  /** The findings side of the SLA breach events (notify knows nothing of releases). */
  private static dev.bulwark.server.notify.OverdueFindings overdueFindings(Releases releases) {
    return () ->
        releases.overdue(Principal.system(), null).stream()
            .map(
                o ->
                    new dev.bulwark.server.notify.OverdueFindings.Overdue(
                        o.service(),
                        o.team(),
                        o.version(),
                        o.id(),
                        o.severity(),
                        o.purl(),
                        o.due(),
                        o.daysOverdue(),
                        o.findingId()))
            .toList();
  }

  public int port() {
    return app.port();
  }

  public Database database() {
    return db;
  }

  /**
   * Drops the gate inputs this node keeps per release; the next gate reads every release's facts
   * anew. They are kept only while nothing they depend on changed, so this is never needed for
   * correctness; tests use it to compare cached and fresh answers.
   */
  public void forgetCachedGateInputs() {
    gates.forgetInputs();
  }

  /** The routes this server serves, each with its permission. */
  public List<ApiRoute> routes() {
    return routes;
  }

  /** Every handler Javalin registered, as Javalin reports them. */
  public List<HandlerMetaInfo> registeredHandlers() {
    return registered;
  }

  /** The ledger's writer, so tests can wait for it to catch up. */
  public LedgerWriter ledgerWriter() {
    return ledgerWriter;
  }

  @Override
  public void close() {
    for (Job job : jobs.reversed()) {
      try {
        job.close();
      } catch (RuntimeException e) {
        LOG.warn("stopping {}: {}", job, e.toString());
      }
    }
    app.stop();
    ledgerWriter.close();
    db.close();
  }
}
