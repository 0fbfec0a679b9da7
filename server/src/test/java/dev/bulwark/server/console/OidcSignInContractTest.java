package dev.bulwark.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEException;
import dev.bulwark.server.config.ServerConfig;
import dev.bulwark.server.testing.ConsoleHttp;
import dev.bulwark.server.testing.TestDatabases;
import dev.bulwark.server.testing.TestOidcProvider;
import dev.bulwark.server.testing.TestServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * OIDC sign-in against a provider the test serves on a socket, with real RSA keys and signed ID
 * tokens: the whole authorization code + PKCE flow, and every way an ID token or a callback can be
 * wrong (nonce, audience, expiry, signature, issuer, role claim, a replayed or foreign state).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class OidcSignInContractTest {
  abstract TestDatabases.Kind kind();

  TestOidcProvider idp;
  TestServer ts;
  ConsoleHttp web;

  @BeforeAll
  void start() throws IOException, JOSEException {
    AtomicReference<TestServer> server = new AtomicReference<>();
    idp =
        new TestOidcProvider(
            () ->
                server.get() == null
                    ? java.time.Instant.parse("2026-11-27T10:00:00Z")
                    : server.get().clock.instant());
    ts =
        new TestServer(
            kind(),
            Files.createTempDirectory("bulwark-oidc"),
            c ->
                c.withLimits(64 * 1024, 1000)
                    .withOidc(
                        new ServerConfig.Oidc(
                            idp.issuer(),
                            "bulwark-api",
                            URI.create(idp.issuer() + "/jwks"),
                            "bulwark_role",
                            "bulwark_teams",
                            Duration.ofSeconds(30),
                            "email"))
                    .withConsole(
                        new ServerConfig.ConsoleSettings(
                            Duration.ofMinutes(30),
                            Duration.ofHours(12),
                            false,
                            Optional.empty(),
                            Optional.of(TestOidcProvider.CLIENT_ID),
                            Optional.empty())));
    server.set(ts);
    web = new ConsoleHttp(ts.server.port());
    for (String[] s : new String[][] {{"alpha-web", "alpha"}, {"beta-db", "beta"}}) {
      assertThat(
              ts.http
                  .post(
                      "/api/v1/services",
                      TestServer.ADMIN,
                      Map.of("name", s[0], "team", s[1], "area", "backend", "criticality", "low"))
                  .status())
          .isEqualTo(201);
    }
  }

  @AfterEach
  void reset() {
    idp.tweak(b -> b);
    idp.signWithForeignKey(false);
    idp.signInAs(
        "u-123",
        Map.of(
            "email",
            "Erin@Example.org",
            "bulwark_role",
            "developer",
            "bulwark_teams",
            List.of("alpha")));
  }

  @AfterAll
  void stop() {
    if (ts != null) {
      ts.close();
    }
    idp.close();
  }

  /** A browser's trip: to the issuer and back; the callback's answer. */
  record Trip(ConsoleHttp.Page callback, String flowCookie, URI callbackUri) {}

  Trip trip(String next) {
    ConsoleHttp.Page start = web.get("/sign-in/oidc?next=" + next, (String) null);
    assertThat(start.status()).as(start.body()).isEqualTo(303);
    URI authorize = URI.create(start.header("Location"));
    assertThat(authorize.toString()).startsWith(idp.issuer() + "/authorize?");
    Map<String, String> q = TestOidcProvider.query(authorize);
    assertThat(q)
        .containsEntry("response_type", "code")
        .containsEntry("client_id", TestOidcProvider.CLIENT_ID)
        .containsEntry("code_challenge_method", "S256")
        .containsKeys("state", "nonce", "code_challenge")
        .containsEntry("redirect_uri", web.base() + "/sign-in/oidc/callback");
    assertThat(q.get("scope")).contains("openid");
    String flow = start.cookie("bulwark_oidc").orElseThrow();
    assertThat(start.setCookie("bulwark_oidc").orElseThrow())
        .contains("HttpOnly")
        .contains("SameSite=Lax");
    ConsoleHttp.Page atIdp = web.send(HttpRequest.newBuilder(authorize).GET());
    assertThat(atIdp.status()).isEqualTo(302);
    URI back = URI.create(atIdp.header("Location"));
    ConsoleHttp.Page callback =
        web.send(HttpRequest.newBuilder(back).header("Cookie", "bulwark_oidc=" + flow).GET());
    return new Trip(callback, flow, back);
  }

  @Test
  void signsInWithTheIssuerAndMapsTheClaimsToRoleTeamsAndPerson() {
    reset();
    Trip t = trip("/catalog");
    assertThat(t.callback().status()).as(t.callback().body()).isEqualTo(200);
    assertThat(idp.lastTokenError).isNull(); // the provider checked code, redirect and PKCE
    assertThat(t.callback().body()).contains("url=/catalog");
    String cookie = t.callback().cookie("bulwark_session").orElseThrow();
    assertThat(t.callback().setCookie("bulwark_session").orElseThrow())
        .contains("HttpOnly")
        .contains("SameSite=Strict");
    ConsoleHttp.Page catalog = web.get("/catalog", "bulwark_session=" + cookie);
    assertThat(catalog.status()).isEqualTo(200);
    assertThat(catalog.body())
        .contains("erin@example.org")
        .contains("developer")
        .contains("alpha-web")
        .doesNotContain("beta-db");
  }

  @Test
  void aStateIsGoodOnceAndOnlyInTheBrowserThatStartedIt() {
    reset();
    Trip t = trip("/catalog");
    assertThat(t.callback().status()).isEqualTo(200);
    ConsoleHttp.Page replay =
        web.send(
            HttpRequest.newBuilder(t.callbackUri())
                .header("Cookie", "bulwark_oidc=" + t.flowCookie())
                .GET());
    assertThat(replay.status()).isEqualTo(401);
    assertThat(replay.body()).contains("already used");
    assertThat(replay.cookie("bulwark_session")).isEmpty();

    ConsoleHttp.Page start = web.get("/sign-in/oidc", (String) null);
    ConsoleHttp.Page atIdp =
        web.send(HttpRequest.newBuilder(URI.create(start.header("Location"))).GET());
    URI back = URI.create(atIdp.header("Location"));
    ConsoleHttp.Page otherBrowser = web.send(HttpRequest.newBuilder(back).GET());
    assertThat(otherBrowser.status()).isEqualTo(401);
    assertThat(otherBrowser.cookie("bulwark_session")).isEmpty();
    ConsoleHttp.Page forged =
        web.send(
            HttpRequest.newBuilder(URI.create(web.base() + "/sign-in/oidc/callback?code=x&state=y"))
                .header("Cookie", "bulwark_oidc=" + t.flowCookie())
                .GET());
    assertThat(forged.status()).isEqualTo(401);
  }

  @Test
  void aSignInStartedMoreThanTenMinutesAgoIsRefused() {
    reset();
    ConsoleHttp.Page start = web.get("/sign-in/oidc", (String) null);
    String flow = start.cookie("bulwark_oidc").orElseThrow();
    ConsoleHttp.Page atIdp =
        web.send(HttpRequest.newBuilder(URI.create(start.header("Location"))).GET());
    ts.clock.advance(Duration.ofMinutes(11));
    ConsoleHttp.Page late =
        web.send(
            HttpRequest.newBuilder(URI.create(atIdp.header("Location")))
                .header("Cookie", "bulwark_oidc=" + flow)
                .GET());
    assertThat(late.status()).isEqualTo(401);
  }

  void refused(String why, String expected) {
    Trip t = trip("/catalog");
    assertThat(t.callback().status()).as(why + ": " + t.callback().body()).isEqualTo(401);
    assertThat(t.callback().cookie("bulwark_session")).as(why).isEmpty();
    assertThat(t.callback().body()).as(why).contains("OIDC sign-in failed").contains(expected);
    assertThat(t.callback().body()).doesNotContain("Exception").doesNotContain("at dev.bulwark");
  }

  @Test
  void aWrongNonceIsRefused() {
    reset();
    idp.tweak(b -> b.claim("nonce", "not-the-nonce"));
    refused("nonce", "nonce");
  }

  @Test
  void aWrongAudienceIsRefused() {
    reset();
    idp.tweak(b -> b.audience("bulwark-api"));
    refused("audience", "audience");
  }

  @Test
  void anExpiredIdTokenIsRefused() {
    reset();
    idp.tweak(
        b ->
            b.expirationTime(Date.from(ts.clock.instant().minus(Duration.ofMinutes(5))))
                .issueTime(Date.from(ts.clock.instant().minus(Duration.ofMinutes(10)))));
    refused("expired", "xpired");
  }

  @Test
  void aBadSignatureIsRefused() {
    reset();
    idp.signWithForeignKey(true);
    refused("signature", "rejected");
  }

  @Test
  void anotherIssuerIsRefused() {
    reset();
    idp.tweak(b -> b.issuer("https://evil.example"));
    refused("issuer", "rejected");
  }

  @Test
  void anIdentityWithoutABulwarkRoleIsRefused() {
    reset();
    idp.signInAs("u-9", Map.of("email", "nobody@example.org"));
    refused("role", "bulwark_role");
  }

  @Test
  void anErrorFromTheIssuerIsShownInertly() {
    reset();
    ConsoleHttp.Page start = web.get("/sign-in/oidc", (String) null);
    String flow = start.cookie("bulwark_oidc").orElseThrow();
    String state = TestOidcProvider.query(URI.create(start.header("Location"))).get("state");
    ConsoleHttp.Page r =
        web.send(
            HttpRequest.newBuilder(
                    URI.create(
                        web.base()
                            + "/sign-in/oidc/callback?error=%3Cscript%3Ex%3C%2Fscript%3E&state="
                            + state))
                .header("Cookie", "bulwark_oidc=" + flow)
                .GET());
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.body()).doesNotContain("<script>x");
  }

  @Test
  void theSignInPageOffersOidc() {
    assertThat(web.get("/sign-in", (String) null).body()).contains("id=\"sign-in-oidc\"");
  }
}
