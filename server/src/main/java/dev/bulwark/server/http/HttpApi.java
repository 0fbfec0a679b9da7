package dev.bulwark.server.http;

import dev.bulwark.server.auth.Authenticator;
import dev.bulwark.server.auth.Permission;
import dev.bulwark.server.auth.Principal;
import dev.bulwark.server.auth.Unauthorized;
import dev.bulwark.server.errors.DomainException;
import io.javalin.Javalin;
import io.javalin.event.HandlerMetaInfo;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires {@link ApiRoute}s into Javalin: request ids, authentication, the permission check, RFC 9457
 * problems for every error, and request metrics. The only place that knows Javalin's routing API.
 */
public final class HttpApi {
  private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);
  private static final Pattern CLIENT_REQUEST_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  static final String REQUEST_ID = "bulwark.requestId";
  private static final String STARTED = "bulwark.started";
  private static final String ROUTE = "bulwark.route";
  public static final String PROBLEM_JSON = "application/problem+json";

  private HttpApi() {}

  /**
   * The API's server. The web console registers its pages through {@code pages} (each declared with
   * its permission, as routes are); a path nothing serves for which {@code consolePath} holds is
   * answered by {@code notFoundPage} (HTML) instead of problem details.
   *
   * @param onRegistered sees every handler Javalin registers, so a test can prove that each one
   *     came from an {@link ApiRoute} or a console page
   */
  public static Javalin create(
      String host,
      int port,
      List<ApiRoute> routes,
      Authenticator auth,
      MeterRegistry metrics,
      long maxBodyBytes,
      Consumer<HandlerMetaInfo> onRegistered,
      Consumer<io.javalin.config.JavalinConfig> pages,
      java.util.function.Predicate<String> consolePath,
      Consumer<Context> notFoundPage) {
    return Javalin.create(
        config -> {
          config.startup.showJavalinBanner = false;
          config.startup.showOldJavalinVersionWarning = false;
          config.jetty.host = host;
          config.jetty.port = port;
          // Virtual threads, measured against Jetty's platform threads both ways (issue 6,
          // docs/benchmarks.md): one client asking in sequence saw a blocked virtual thread's two
          // extra wake-ups per database round trip (the one-query request's p99 about 1.5 ms
          // worse), but sixteen concurrent clients on two cores saw sixteen OS threads fight for
          // the CPU on platform threads (p99 5.1-5.6 ms against 3.5-3.8 ms). Concurrent load is
          // the case the server is for.
          config.concurrency.useVirtualThreads = true;
          config.http.prefer405over404 = true;
          config.http.maxRequestSize = maxBodyBytes;
          config.router.ignoreTrailingSlashes = false;
          config.events.handlerAdded(onRegistered);
          // Jetty's per-connection header cache matches header lines without regard to case by
          // default: on a kept-alive connection a header line that differed from the previous
          // request's only in case was read as the previous one, and so a session cookie as the
          // previous request's session. Secrets are case-sensitive
          // (ConsoleContractTest.aCookieThatDiffersOnlyInCaseIsAnotherCookieOnTheSameConnection).
          config.jetty.modifyHttpConfiguration(hc -> hc.setHeaderCacheCaseSensitive(true));
          config.jetty.modifyServer(s -> s.setErrorHandler(new JettyProblems.ServerHandler()));
          config.jetty.modifyServletContextHandler(
              h -> h.setErrorHandler(new JettyProblems.ContextHandler()));

          config.routes.before(
              ctx -> {
                ctx.attribute(STARTED, System.nanoTime());
                String given = ctx.header("X-Request-Id");
                String rid =
                    given != null && CLIENT_REQUEST_ID.matcher(given).matches()
                        ? given
                        : UUID.randomUUID().toString();
                ctx.attribute(REQUEST_ID, rid);
                ctx.header("X-Request-Id", rid);
                ctx.header("X-Content-Type-Options", "nosniff");
                ctx.header("Cache-Control", "no-store");
              });
          for (ApiRoute route : routes) {
            config.routes.addHttpHandler(
                HandlerType.findOrCreate(route.method().name()),
                route.path(),
                ctx -> handle(ctx, route, auth, maxBodyBytes));
            if (route.method() == ApiRoute.Method.GET) {
              // Left alone, Javalin answers HEAD on a GET route itself with an empty 200, without
              // running the route's handler, that is without authentication.
              config.routes.addHttpHandler(
                  HandlerType.HEAD, route.path(), ctx -> handle(ctx, route, auth, maxBodyBytes));
            }
          }
          pages.accept(config);
          config.routes.after(
              ctx -> {
                finishBody(ctx, maxBodyBytes);
                record(ctx, metrics);
              });

          config.routes.exception(ApiException.class, (e, ctx) -> problem(ctx, e));
          config.routes.exception(
              DomainException.class, (e, ctx) -> problem(ctx, ApiException.of(e)));
          config.routes.exception(
              HttpResponseException.class,
              (e, ctx) -> {
                if (e.getStatus() == 404 && consolePath.test(ctx.path())) {
                  // No route or page at this path, outside the API: a browser's stale or
                  // mistyped link gets the console's page.
                  notFoundPage.accept(ctx);
                  return;
                }
                HttpStatus s = HttpStatus.forStatus(e.getStatus());
                problem(
                    ctx,
                    new ApiException(e.getStatus(), s.getMessage(), detailFor(e.getStatus(), ctx)));
              });
          config.routes.exception(
              Exception.class,
              (e, ctx) -> {
                if (unstorableText(e)) {
                  // A document route's text the database cannot hold (PostgreSQL and U+0000):
                  // the input's fault, so a 422, not a server error.
                  problem(
                      ctx,
                      new ApiException(
                          422,
                          "Unprocessable Content",
                          "the request holds a character the database cannot store (such as"
                              + " U+0000)"));
                  return;
                }
                LOG.error("request {} {} {} failed", requestId(ctx), ctx.method(), ctx.path(), e);
                problem(
                    ctx,
                    new ApiException(
                        500,
                        "Internal Server Error",
                        "the server failed to handle this request; quote the request id when reporting it"));
              });
          config.routes.error(
              404,
              ctx -> {
                String answered = ctx.res().getContentType();
                // A console page's own 404 is an HTML page already.
                if (!PROBLEM_JSON.equals(answered)
                    && (answered == null || !answered.startsWith("text/html"))) {
                  if (consolePath.test(ctx.path())) {
                    // A path nothing serves, outside the API: a browser's stale or mistyped link.
                    notFoundPage.accept(ctx);
                  } else {
                    problem(
                        ctx, new ApiException(404, "Not Found", "no such resource: " + ctx.path()));
                  }
                }
              });
        });
  }

  /** Reads what routes left of their request bodies; see {@link #finishBody}. */
  private static final java.util.concurrent.ExecutorService BODY_DRAIN =
      java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();

  /** How long an answer waits for the rest of a body its route did not read. */
  private static final java.time.Duration BODY_DRAIN_WAIT = java.time.Duration.ofMillis(500);

  /**
   * Reads the rest of a request body that its route left unread (a refusal before the body, or a
   * route that takes none), within the body limit and for at most {@link #BODY_DRAIN_WAIT}. Left
   * unread, Jetty closes the connection under the client while it may still be sending: the client
   * then sees a broken pipe instead of the answer, or, on keep-alive, sends its next request on a
   * closed connection. A body that does not arrive in time, or is over the limit, ends the
   * connection after the answer, and the answer says so ({@code Connection: close}).
   */
  private static void finishBody(Context ctx, long maxBodyBytes) {
    long declared = ctx.req().getContentLengthLong();
    if (declared == 0 || (declared < 0 && ctx.req().getHeader("Transfer-Encoding") == null)) {
      return;
    }
    try {
      jakarta.servlet.ServletInputStream in = ctx.req().getInputStream();
      if (in.isFinished()) {
        return;
      }
      if (declared > maxBodyBytes) {
        ctx.header("Connection", "close");
        return;
      }
      java.util.concurrent.Future<Boolean> drained =
          BODY_DRAIN.submit(
              () -> {
                byte[] buf = new byte[64 * 1024];
                long left = maxBodyBytes + 1;
                int n;
                while (left > 0 && (n = in.read(buf, 0, (int) Math.min(buf.length, left))) > 0) {
                  left -= n;
                }
                return left > 0;
              });
      boolean whole;
      try {
        whole = drained.get(BODY_DRAIN_WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.TimeoutException slow) {
        drained.cancel(true);
        whole = false;
      } catch (java.util.concurrent.ExecutionException failed) {
        whole = false;
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
        whole = false;
      }
      if (!whole) {
        ctx.header("Connection", "close");
      }
    } catch (java.io.IOException | RuntimeException e) {
      ctx.header("Connection", "close");
    }
  }

  /** PostgreSQL's "character not in repertoire" and "untranslatable character". */
  private static boolean unstorableText(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.sql.SQLException sql
          && ("22021".equals(sql.getSQLState()) || "22P05".equals(sql.getSQLState()))) {
        return true;
      }
    }
    return false;
  }

  private static String detailFor(int status, Context ctx) {
    return switch (status) {
      case 404 -> "no such resource: " + ctx.path();
      case 405 -> ctx.method() + " is not allowed on " + ctx.path();
      case 413 -> "the request body is too large";
      default -> HttpStatus.forStatus(status).getMessage();
    };
  }

  private static void handle(Context ctx, ApiRoute route, Authenticator auth, long maxBody)
      throws Exception {
    ctx.attribute(ROUTE, route.method() + " " + route.path());
    Principal principal = null;
    if (route.permission() != Permission.PUBLIC) {
      try {
        principal =
            auth.authenticate(
                ctx.header("Authorization"),
                auth.clientAddress(
                    ctx.req().getRemoteAddr(), ctx.req().getHeaders("X-Forwarded-For")));
      } catch (Unauthorized e) {
        throw new ApiException(401, "Unauthorized", e.getMessage());
      } catch (Authenticator.TooManyFailures e) {
        throw new TooManyRequests(e);
      }
      if (!principal.role().may(route.permission())) {
        throw ApiException.forbidden(
            "role "
                + principal.role()
                + " lacks permission "
                + route.permission()
                + " for "
                + route.method()
                + " "
                + route.path());
      }
    }
    route.handler().handle(new Call(ctx, principal, requestId(ctx), maxBody));
  }

  static String requestId(Context ctx) {
    String rid = ctx.attribute(REQUEST_ID);
    return rid == null ? "none" : rid;
  }

  private static void problem(Context ctx, ApiException e) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", "about:blank");
    body.put("title", e.title());
    body.put("status", e.status());
    body.put("detail", e.getMessage());
    body.put("instance", ctx.path());
    body.put("requestId", requestId(ctx));
    if (!e.errors().isEmpty()) {
      body.put("errors", e.errors());
    }
    if (e.status() == 401) {
      ctx.header("WWW-Authenticate", "Bearer");
    }
    if (e instanceof TooManyRequests t) {
      ctx.header("Retry-After", Long.toString(t.retryAfterSeconds()));
    }
    ctx.status(e.status()).contentType(PROBLEM_JSON).result(Json.write(body));
  }

  /** 429 with the seconds until the address may try again. */
  private static final class TooManyRequests extends ApiException {
    private final long retryAfterSeconds;

    TooManyRequests(Authenticator.TooManyFailures e) {
      super(429, "Too Many Requests", e.getMessage());
      this.retryAfterSeconds = e.retryAfterSeconds();
    }

    long retryAfterSeconds() {
      return retryAfterSeconds;
    }
  }

  private static void record(Context ctx, MeterRegistry metrics) {
    Long started = ctx.attribute(STARTED);
    String route = ctx.attribute(ROUTE);
    if (started == null) {
      return;
    }
    Timer.builder("bulwark_http_requests")
        .description("HTTP requests by route and status")
        .tag("route", route == null ? "unmatched" : route)
        .tag("status", Integer.toString(ctx.statusCode()))
        .register(metrics)
        .record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS);
  }
}
