package dev.bulwark.server.http;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The routes whose requests cost the server seconds of parsing, matching and writing (SBOM, SARIF
 * and VEX uploads, catalog imports, backups, advisory syncs): their bodies are limited to {@code
 * uploads.maxBytes}, and one caller (token or OIDC subject) may have at most {@code
 * uploads.perToken} of them running at once. One more is refused with 429 and {@code Retry-After}
 * at once, before its body is read, so that a single CI job cannot occupy every core and the
 * writer's bulk lane (docs/adr/0008).
 */
public final class HeavyRequests {
  /** Seconds a refused client is told to wait: a heavy request typically finishes within that. */
  static final int RETRY_AFTER_SECONDS = 5;

  private static final Set<String> HEAVY =
      Set.of(
          "PUT /api/v1/services/{name}/releases/{version}/sbom",
          "POST /api/v1/services/{name}/releases/{version}/sarif",
          "POST /api/v1/services/{name}/vex",
          "POST /api/v1/catalog/import",
          "POST /api/v1/backup",
          "POST /api/v1/advisories/sync");

  /**
   * The heavy routes that parse and match what they read, on the pool below; backups and syncs keep
   * their own threads (a long backup must not hold every upload up).
   */
  private static final Set<String> POOLED =
      Set.of(
          "PUT /api/v1/services/{name}/releases/{version}/sbom",
          "POST /api/v1/services/{name}/releases/{version}/sarif",
          "POST /api/v1/services/{name}/vex",
          "POST /api/v1/catalog/import");

  private final int perCaller;
  private final long maxBytes;
  private final ConcurrentHashMap<String, Integer> running = new ConcurrentHashMap<>();

  /**
   * Heavy requests run on platform threads of their own. On a virtual thread, seconds of parsing
   * and matching without a blocking call would hold a carrier thread (there are as many as cores),
   * and a few such uploads would leave no carrier for any other request. One core fewer than the
   * host has: one stays with ordinary requests and the writer, and heavy requests beyond the pool
   * wait for a thread (their rows go through the one writer anyway). Bodies are read before a
   * request gets a thread, so a slow client holds none.
   */
  private final java.util.concurrent.ExecutorService pool;

  public HeavyRequests(int perCaller, long maxBytes) {
    if (perCaller < 1) {
      throw new IllegalArgumentException("perCaller must be at least 1");
    }
    this.perCaller = perCaller;
    this.maxBytes = maxBytes;
    java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
    this.pool =
        java.util.concurrent.Executors.newFixedThreadPool(
            Math.max(1, Runtime.getRuntime().availableProcessors() - 1),
            r ->
                Thread.ofPlatform()
                    .daemon()
                    .name("bulwark-heavy-" + n.incrementAndGet())
                    .unstarted(r));
  }

  /** True for the routes this guards. */
  public static boolean heavy(ApiRoute route) {
    return HEAVY.contains(route.method() + " " + route.path());
  }

  /** {@code route} itself, or for a heavy route the same route under the caller's limit. */
  public ApiRoute guard(ApiRoute route) {
    if (!heavy(route)) {
      return route;
    }
    ApiRoute.Handler inner = route.handler();
    boolean pooled = POOLED.contains(route.method() + " " + route.path());
    return new ApiRoute(
        route.method(),
        route.path(),
        route.permission(),
        call -> {
          String who = call.principal().actor();
          if (!enter(who)) {
            call.ctx().header("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
            throw new ApiException(
                429,
                "Too Many Requests",
                "this token already has "
                    + perCaller
                    + " heavy requests (uploads, imports, backups) running; retry when one has"
                    + " finished (limit uploads.perToken)");
          }
          try {
            // Read here, on the request's own thread: a slow client holds no pool thread.
            Call limited = call.readAhead(maxBytes);
            if (!pooled) {
              inner.handle(limited);
              return;
            }
            var done =
                pool.submit(
                    () -> {
                      inner.handle(limited);
                      return null;
                    });
            try {
              done.get();
            } catch (java.util.concurrent.ExecutionException e) {
              if (e.getCause() instanceof Error err) {
                throw err;
              }
              throw e.getCause() instanceof Exception x ? x : new IllegalStateException(e);
            } catch (InterruptedException e) {
              done.cancel(true);
              Thread.currentThread().interrupt();
              throw e;
            }
          } finally {
            running.computeIfPresent(who, (k, v) -> v == 1 ? null : v - 1);
          }
        });
  }

  private boolean enter(String who) {
    boolean[] entered = new boolean[1];
    running.compute(
        who,
        (k, v) -> {
          int now = v == null ? 0 : v;
          entered[0] = now < perCaller;
          return entered[0] ? now + 1 : v;
        });
    return entered[0];
  }
}
