package dev.bulwark.server;

import dev.bulwark.server.advisories.Advisories;
import dev.bulwark.server.advisories.AdvisoriesFeature;
import dev.bulwark.server.advisories.AdvisoryFollower;
import dev.bulwark.server.advisories.AdvisorySyncJob;
import dev.bulwark.server.attestations.Attestations;
import dev.bulwark.server.attestations.AttestationsFeature;
import dev.bulwark.server.auth.Authenticator;
import dev.bulwark.server.auth.FailedAuthLimiter;
import dev.bulwark.server.auth.OidcVerifier;
import dev.bulwark.server.auth.Principal;
import dev.bulwark.server.backup.BackupRoutes;
import dev.bulwark.server.catalog.Catalog;
import dev.bulwark.server.catalog.CatalogRoutes;
import dev.bulwark.server.config.ConfigException;
import dev.bulwark.server.config.ServerConfig;
import dev.bulwark.server.console.Console;
import dev.bulwark.server.console.ConsoleFeature;
import dev.bulwark.server.console.ConsolePage;
import dev.bulwark.server.console.ConsoleSessions;
import dev.bulwark.server.dashboard.DashboardFeature;
import dev.bulwark.server.db.Database;
import dev.bulwark.server.db.JobLock;
import dev.bulwark.server.demo.DemoClock;
import dev.bulwark.server.demo.DemoData;
import dev.bulwark.server.deployments.Deployments;
import dev.bulwark.server.deployments.DeploymentsFeature;
import dev.bulwark.server.feature.Feature;
import dev.bulwark.server.feature.FeatureContext;
import dev.bulwark.server.feature.Job;
import dev.bulwark.server.feature.OpenApiDocument;
import dev.bulwark.server.findings.FindingLifecycle;
import dev.bulwark.server.findings.FindingRecorder;
import dev.bulwark.server.findings.Findings;
import dev.bulwark.server.findings.FindingsFeature;
import dev.bulwark.server.findings.Reevaluation;
import dev.bulwark.server.findings.SlaPolicy;
import dev.bulwark.server.gates.Gates;
import dev.bulwark.server.gates.GatesFeature;
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
import dev.bulwark.server.policies.Policies;
import dev.bulwark.server.policies.PoliciesFeature;
import dev.bulwark.server.portfolio.Portfolio;
import dev.bulwark.server.portfolio.PortfolioFeature;
import dev.bulwark.server.releases.ReleaseRevisions;
import dev.bulwark.server.releases.Releases;
import dev.bulwark.server.releases.ReleasesFeature;
import dev.bulwark.server.reports.EvidenceReports;
import dev.bulwark.server.reports.ReportsFeature;
import dev.bulwark.server.tokens.TokenRoutes;
import dev.bulwark.server.tokens.TokenService;
import dev.bulwark.server.waivers.Waivers;
import dev.bulwark.server.waivers.WaiversFeature;
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
import java.util.function.Consumer;
import java.util.function.Function;
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
  private final List<Feature> features;
  private final List<ApiRoute> routes;
  private final List<ConsolePage> pages;
  private final List<HandlerMetaInfo> registered;
  private final Gates gates;
  private final Advisories advisories;
  private final Catalog catalog;

  private BulwarkServer(
      Database db,
      Javalin app,
      LedgerWriter ledgerWriter,
      List<Job> jobs,
      List<Feature> features,
      List<ApiRoute> routes,
      List<ConsolePage> pages,
      List<HandlerMetaInfo> registered,
      Gates gates,
      Advisories advisories,
      Catalog catalog) {
    this.gates = gates;
    this.advisories = advisories;
    this.catalog = catalog;
    this.jobs = jobs;
    this.features = features;
    this.db = db;
    this.app = app;
    this.ledgerWriter = ledgerWriter;
    this.routes = routes;
    this.pages = pages;
    this.registered = registered;
  }

  /**
   * Opens the database, migrates it, installs the bootstrap token on a first start, seeds demo data
   * when asked, and starts listening. One-time secrets are written to {@code console}.
   */
  public static BulwarkServer start(ServerConfig config, Clock clock, PrintStream console) {
    return start(config, clock, console, phase -> {});
  }

  /**
   * The same, telling {@code phases} what the start is doing ("loading advisories"), so that a
   * terminal can show it while a start takes long (18 s at 500,000 advisories).
   */
  public static BulwarkServer start(
      ServerConfig config, Clock clock, PrintStream console, Consumer<String> phases) {
    LOG.info("starting Bulwark: {}", String.join(", ", config.describe()));
    phases.accept("opening the database");
    Database db = Database.open(config);
    try {
      return start(config, db, clock, console, List.of(), phases);
    } catch (RuntimeException e) {
      db.close();
      throw e;
    }
  }

  /** Starts on an already opened database, which the server then owns. */
  public static BulwarkServer start(
      ServerConfig config, Database db, Clock clock, PrintStream console) {
    return start(config, db, clock, console, List.of());
  }

  /**
   * The same, with features that are not in this class's list, each built from what the server
   * gives every feature: the test-only features use it (docs/adding-a-feature.md).
   */
  public static BulwarkServer start(
      ServerConfig config,
      Database db,
      Clock clock,
      PrintStream console,
      List<Function<FeatureContext, Feature>> extra) {
    return start(config, db, clock, console, extra, phase -> {});
  }

  private static BulwarkServer start(
      ServerConfig config,
      Database db,
      Clock realClock,
      PrintStream console,
      List<Function<FeatureContext, Feature>> extra,
      Consumer<String> phases) {
    // The demo plays its history through the server's own services at the moments it happened.
    Clock clock = config.demo() ? new DemoClock(realClock) : realClock;
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
            config.ledger().origin(),
            ledgerStore);
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
            config.demo()
                ? DemoData.withAdvisories(config.osvSources(), config.dataDir())
                : config.osvSources(),
            config.osvUrls(),
            config.dataDir().resolve("osv-cache"));
    // Every node follows the syncs of the others (docs/adr/0010).
    var advisoryFollower = new AdvisoryFollower(advisories, db, clock);
    phases.accept("loading advisories");
    try {
      advisoryFollower.loadAtStart();
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
    var lifecycle = new FindingLifecycle(db, audit, clock, config.secondPersonCriticalities());
    var releases =
        new Releases(
            db,
            catalog,
            advisories,
            audit,
            clock,
            new FindingRecorder(db, lifecycle, sla, webhooks),
            config.uploads());
    releases.cleanUpAbandonedUploads();
    var findings = new Findings(db, catalog, releases, sla, clock);
    var reevaluation = new Reevaluation(db, advisories, lifecycle, audit, clock);
    var dispatcher = new WebhookDispatcher(db, overdueFindings(findings), webhooks, clock);
    var advisorySync =
        new AdvisorySyncJob(reevaluation, new JobLock(db, clock), config.osvSyncInterval(), clock);
    var policies = new Policies(db, audit, clock, config.gates());
    var gates = new Gates(db, policies, audit, clock, config.gates());
    var deployments = new Deployments(db, gates, audit, clock, config.gates());
    var waivers = new Waivers(db, audit, clock, config.gates().waiverMaxDays());
    var attestations =
        new Attestations(db, audit, clock, Attestations.readKeys(config.gates().trustedKeysFile()));
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
    var dashboard = new DashboardFeature(db, sla, clock);
    boolean demoHistory = config.demo() && catalog.list(Principal.system(), null).isEmpty();
    if (config.demo()) {
      if (demoHistory) {
        DemoData.startHistory((DemoClock) clock);
      }
      for (TokenService.Issued t : DemoData.seed(catalog, tokens)) {
        console.println(
            "Demo token " + t.token().role() + " " + t.token().teams() + ": " + t.secret());
      }
      if (policies.bundles(Principal.system()).isEmpty()) {
        Policies.Pushed starter =
            policies.seed(Principal.system(), "demo", DemoData.demoPolicies());
        console.println(
            "Demo policy bundle (the starter bundle without provenance and sast): "
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
    var openApi = new java.util.concurrent.atomic.AtomicReference<byte[]>();
    List<Feature> features = new ArrayList<>();
    // The web console's own pages (start, sign-in, sign-out, static files); each feature adds its
    // pages through Feature.pages() (docs/console.md).
    var sessions = new ConsoleSessions(db, auth, clock, config.console());
    var consoleRef = new java.util.concurrent.atomic.AtomicReference<Console>();
    Optional<dev.bulwark.server.console.OidcSignIn> oidcSignIn =
        config.console().oidcClientId().isPresent() && config.oidc().isPresent()
            ? Optional.of(
                new dev.bulwark.server.console.OidcSignIn(
                    config.oidc().get(), config.console(), sessions, auth, clock, consoleRef::get))
            : Optional.empty();
    var consoleCore = new ConsoleFeature(sessions, auth, consoleRef::get, oidcSignIn);
    features.add(
        Feature.of("console", List.of(), List.of(), Optional.empty(), consoleCore.pages()));
    features.add(
        Feature.of(
            "system",
            new SystemRoutes(metrics, db::isUp, openApi::get).routes(),
            List.of(),
            "/openapi/system.json"));
    features.add(
        Feature.of(
            "tokens",
            new TokenRoutes(tokens, config.exposure().tokenMaxLifetime(), clock).routes(),
            List.of(),
            "/openapi/tokens.json",
            new dev.bulwark.server.tokens.TokenPages(
                    tokens,
                    new dev.bulwark.server.tokens.TokenLifetime(
                        config.exposure().tokenMaxLifetime(), clock),
                    clock)
                .pages()));
    features.add(
        Feature.of(
            "catalog",
            new CatalogRoutes(catalog).routes(),
            List.of(),
            "/openapi/catalog.json",
            dev.bulwark.server.catalog.CatalogPages.pages(catalog)));
    features.add(new AdvisoriesFeature(reevaluation, advisoryFollower, advisorySync));
    features.add(new ReleasesFeature(releases));
    features.add(new FindingsFeature(findings, lifecycle));
    var portfolio = new Portfolio(db, catalog, advisories, releases);
    features.add(
        new PortfolioFeature(
            portfolio,
            new dev.bulwark.server.portfolio.ServicePage(
                catalog, releases, findings, lifecycle, portfolio, clock)));
    features.add(
        Feature.of(
            "notify",
            new WebhookRoutes(webhooks).routes(),
            List.of(
                Job.of(() -> dispatcher.start(java.time.Duration.ofSeconds(1)), dispatcher::close)),
            "/openapi/notify.json"));
    features.add(
        Feature.of(
            "audit", new AuditRoutes(ledgerStore).routes(), List.of(), "/openapi/audit.json"));
    var ledger = new Ledger(ledgerStore);
    features.add(
        Feature.of(
            "ledger",
            new LedgerRoutes(ledger, signer.verifier()).routes(),
            List.of(),
            "/openapi/ledger.json",
            dev.bulwark.server.ledger.LedgerPages.pages(ledger, signer.verifier())));
    features.add(
        Feature.of(
            "backup",
            new BackupRoutes(
                    db,
                    audit,
                    clock,
                    config.dataDir(),
                    config
                        .ledger()
                        .keyFile()
                        .orElse(config.dataDir().resolve("ledger-signing.key")))
                .routes(),
            List.of(),
            "/openapi/backup.json"));
    features.add(new PoliciesFeature(policies));
    features.add(new GatesFeature(gates, releases));
    features.add(new DeploymentsFeature(deployments));
    features.add(new WaiversFeature(waivers));
    features.add(new AttestationsFeature(attestations));
    features.add(dashboard);
    features.add(
        new ReportsFeature(
            new EvidenceReports(
                db,
                ledger,
                signer.verifier(),
                clock,
                config.reportMaxPeriodDays(),
                config.gates().environments()),
            config.gates().environments()));
    var context = new FeatureContext(db, audit, clock);
    extra.forEach(e -> features.add(e.apply(context)));
    gates.inputsFrom(features);
    if (demoHistory) {
      phases.accept("seeding the demo's history");
      console.println(
          DemoData.history(
              (DemoClock) clock,
              catalog,
              releases,
              findings,
              lifecycle,
              gates,
              deployments,
              dashboard.dashboards()));
    }
    openApi.set(OpenApiDocument.merged(features));
    List<ApiRoute> routes = new ArrayList<>();
    List<ConsolePage> pages = new ArrayList<>();
    List<Job> jobs = new ArrayList<>();
    for (Feature f : features) {
      routes.addAll(f.routes());
      pages.addAll(f.pages());
      jobs.addAll(f.jobs());
    }
    var webConsole =
        new Console(
            pages, sessions, auth, config.console().secureCookies(), oidcSignIn.isPresent());
    consoleRef.set(webConsole);
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
            registered::add,
            webConsole::install,
            Console::ownsUnknownPath,
            webConsole::notFound);
    phases.accept("starting the HTTP listener");
    ledgerWriter.start();
    try {
      app.start();
    } catch (RuntimeException e) {
      // The caller closes the database; the writer must stop first or it logs its failures.
      ledgerWriter.close();
      throw e;
    }
    for (Job job : jobs) {
      job.start();
    }
    LOG.info("Bulwark listens on http://{}:{}", config.host(), app.port());
    return new BulwarkServer(
        db,
        app,
        ledgerWriter,
        List.copyOf(jobs),
        List.copyOf(features),
        List.copyOf(routes),
        List.copyOf(pages),
        List.copyOf(registered),
        gates,
        advisories,
        catalog);
  }

  /** The findings side of the SLA breach events (notify knows nothing of releases). */
  private static dev.bulwark.server.notify.OverdueFindings overdueFindings(Findings findings) {
    return () ->
        findings.overdue(Principal.system(), null).stream()
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

  /** How many advisories the index holds now, for the start line. */
  public int advisoryCount() {
    return advisories.index().size();
  }

  /** How many services the catalog holds now, for the start line. */
  public int serviceCount() {
    return catalog.list(Principal.system(), null).size();
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

  /** The features this server runs, in the order it registered them. */
  public List<Feature> features() {
    return features;
  }

  /** The routes this server serves, each with its permission. */
  public List<ApiRoute> routes() {
    return routes;
  }

  /** The console pages this server serves, each with its permission. */
  public List<ConsolePage> pages() {
    return pages;
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
