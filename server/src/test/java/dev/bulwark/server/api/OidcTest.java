package dev.bulwark.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import dev.bulwark.server.config.ServerConfig;
import dev.bulwark.server.testing.TestDatabases;
import dev.bulwark.server.testing.TestServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** OIDC bearer tokens, verified against a JWKS that this test serves over real HTTP. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OidcTest {
  static final String ISSUER = "https://idp.example.test";
  static final String AUDIENCE = "bulwark";
  RSAKey key;
  RSAKey otherKey;
  HttpServer jwks;
  TestServer ts;

  @BeforeAll
  void start() throws Exception {
    key = new RSAKeyGenerator(2048).keyID("k1").generate();
    otherKey = new RSAKeyGenerator(2048).keyID("k1").generate();
    byte[] set = new JWKSet(key.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
    jwks = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    jwks.createContext(
        "/jwks.json",
        ex -> {
          ex.getResponseHeaders().add("Content-Type", "application/json");
          ex.sendResponseHeaders(200, set.length);
          ex.getResponseBody().write(set);
          ex.close();
        });
    jwks.start();
    URI uri = URI.create("http://127.0.0.1:" + jwks.getAddress().getPort() + "/jwks.json");
    ts =
        new TestServer(
            TestDatabases.Kind.SQLITE,
            Files.createTempDirectory("bulwark-oidc"),
            c ->
                c.withOidc(
                    new ServerConfig.Oidc(
                        ISSUER,
                        AUDIENCE,
                        uri,
                        "bulwark_role",
                        "bulwark_teams",
                        Duration.ofSeconds(30))));
    ts.http.post(
        "/api/v1/services",
        TestServer.ADMIN,
        Map.of("name", "oidc-red", "team", "red", "area", "data", "criticality", "low"));
    ts.http.post(
        "/api/v1/services",
        TestServer.ADMIN,
        Map.of("name", "oidc-blue", "team", "blue", "area", "data", "criticality", "low"));
  }

  @AfterAll
  void stop() {
    if (ts != null) {
      ts.close();
    }
    jwks.stop(0);
  }

  String jwt(RSAKey signer, Consumer<JWTClaimsSet.Builder> tweak) throws Exception {
    Instant now = ts.clock.instant();
    JWTClaimsSet.Builder claims =
        new JWTClaimsSet.Builder()
            .issuer(ISSUER)
            .audience(AUDIENCE)
            .subject("alice@example.test")
            .issueTime(Date.from(now))
            .notBeforeTime(Date.from(now.minusSeconds(5)))
            .expirationTime(Date.from(now.plusSeconds(300)))
            .claim("bulwark_role", "developer")
            .claim("bulwark_teams", List.of("red"));
    tweak.accept(claims);
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k1").type(JOSEObjectType.JWT).build(),
            claims.build());
    jwt.sign(new RSASSASigner(signer));
    return jwt.serialize();
  }

  int status(String token) {
    return ts.http.get("/api/v1/services/oidc-red", token).status();
  }

  @Test
  void aValidTokenMapsRoleAndTeamsFromClaims() throws Exception {
    String token = jwt(key, c -> {});
    assertThat(status(token)).isEqualTo(200);
    assertThat(ts.http.get("/api/v1/services/oidc-blue", token).status()).isEqualTo(404);
    assertThat(ts.http.delete("/api/v1/services/oidc-red", token).status()).isEqualTo(403);
    var created =
        ts.http.post(
            "/api/v1/services",
            token,
            Map.of("name", "oidc-made", "team", "red", "area", "data", "criticality", "low"));
    assertThat(created.status()).isEqualTo(201);
    var events =
        ts.http
            .get("/api/v1/audit?subjectKind=service&subjectId=oidc-made", TestServer.ADMIN)
            .json()
            .path("events");
    assertThat(events.get(0).path("actor").asText()).isEqualTo("oidc:alice@example.test");
  }

  /**
   * An OIDC identity is a subject like a token's: the same person through a token and through the
   * IdP is one person for separation of duties. Organization-wide security takes an explicit "*".
   */
  @Test
  void subjectsAreComparedAcrossTokensAndOidcAndUnscopedSecurityIsExplicit() throws Exception {
    String star =
        jwt(key, c -> c.claim("bulwark_role", "security").claim("bulwark_teams", List.of("*")));
    assertThat(ts.http.get("/api/v1/services/oidc-blue", star).status()).isEqualTo(200);
    String none =
        jwt(key, c -> c.claim("bulwark_role", "security").claim("bulwark_teams", List.of()));
    var refused = ts.http.get("/api/v1/services/oidc-red", none);
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.text()).contains("names no team");

    String aliceToken = ts.tokenFor("Alice@Example.test", "security", "red");
    var w =
        ts.http.post(
            "/api/v1/waivers",
            aliceToken,
            Map.of(
                "service", "oidc-red",
                "policy", "p",
                "rule", "r",
                "reason", "x",
                "expires", ts.clock.instant().plus(Duration.ofDays(3)).toString()));
    assertThat(w.status()).as(w.text()).isEqualTo(201);
    String approve = "/api/v1/waivers/" + w.json().path("id").asLong() + "/approve";
    String aliceOidc = jwt(key, c -> c.claim("bulwark_role", "security"));
    assertThat(ts.http.post(approve, aliceOidc, Map.of()).status())
        .as("alice through the IdP is alice")
        .isEqualTo(403);
    String bobOidc = jwt(key, c -> c.subject("bob@example.test").claim("bulwark_role", "security"));
    var ok = ts.http.post(approve, bobOidc, Map.of());
    assertThat(ok.status()).as(ok.text()).isEqualTo(200);
    assertThat(ok.json().path("approvedSubject").asText()).isEqualTo("bob@example.test");
  }

  /** oidc.subjectClaim: the person is the configured claim, e-mail here, not the opaque sub. */
  @Test
  void aConfiguredSubjectClaimNamesThePerson() throws Exception {
    URI uri = URI.create("http://127.0.0.1:" + jwks.getAddress().getPort() + "/jwks.json");
    TestServer main = ts;
    try (TestServer byEmail =
        new TestServer(
            TestDatabases.Kind.SQLITE,
            Files.createTempDirectory("bulwark-oidc-email"),
            c ->
                c.withOidc(
                    new ServerConfig.Oidc(
                        ISSUER,
                        AUDIENCE,
                        uri,
                        "bulwark_role",
                        "bulwark_teams",
                        Duration.ofSeconds(30),
                        "email")))) {
      ts = byEmail;
      byEmail.http.post(
          "/api/v1/services",
          TestServer.ADMIN,
          Map.of("name", "oidc-red", "team", "red", "area", "data", "criticality", "low"));
      var w =
          byEmail.http.post(
              "/api/v1/waivers",
              byEmail.tokenFor("alice@corp.test", "security", "red"),
              Map.of(
                  "service", "oidc-red",
                  "policy", "p",
                  "rule", "r",
                  "reason", "x",
                  "expires", byEmail.clock.instant().plus(Duration.ofDays(3)).toString()));
      assertThat(w.status()).as(w.text()).isEqualTo(201);
      String approve = "/api/v1/waivers/" + w.json().path("id").asLong() + "/approve";
      String alice =
          jwt(
              key,
              c ->
                  c.subject("00u1")
                      .claim("email", "Alice@corp.test")
                      .claim("bulwark_role", "security"));
      assertThat(byEmail.http.post(approve, alice, Map.of()).status()).isEqualTo(403);
      String noEmail = jwt(key, c -> c.subject("00u2").claim("bulwark_role", "security"));
      assertThat(byEmail.http.get("/api/v1/services/oidc-red", noEmail).status()).isEqualTo(401);
    } finally {
      ts = main;
    }
  }

  @Test
  void wrongIssuerAudienceTimesOrSignatureAreRefused() throws Exception {
    assertThat(status(jwt(key, c -> c.issuer("https://evil.example.test")))).isEqualTo(401);
    assertThat(status(jwt(key, c -> c.audience("someone-else")))).isEqualTo(401);
    assertThat(
            status(
                jwt(key, c -> c.expirationTime(Date.from(ts.clock.instant().minusSeconds(120))))))
        .isEqualTo(401);
    assertThat(
            status(jwt(key, c -> c.notBeforeTime(Date.from(ts.clock.instant().plusSeconds(600))))))
        .isEqualTo(401);
    assertThat(status(jwt(otherKey, c -> {}))).isEqualTo(401);
    assertThat(status(jwt(key, c -> {}) + "x")).isEqualTo(401);
  }

  @Test
  void unsignedAndSymmetricTokensAreRefused() throws Exception {
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .issuer(ISSUER)
            .audience(AUDIENCE)
            .subject("mallory")
            .expirationTime(Date.from(ts.clock.instant().plusSeconds(300)))
            .claim("bulwark_role", "admin")
            .build();
    assertThat(status(new PlainJWT(claims).serialize())).isEqualTo(401);
    SignedJWT hs = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
    // An HMAC keyed with the public modulus: the classic algorithm-confusion attack.
    byte[] secret = key.toPublicJWK().getModulus().decode();
    hs.sign(new MACSigner(secret));
    assertThat(status(hs.serialize())).isEqualTo(401);
  }

  @Test
  void aTokenWithoutAValidRoleIsForbidden() throws Exception {
    assertThat(status(jwt(key, c -> c.claim("bulwark_role", "root")))).isEqualTo(403);
    assertThat(status(jwt(key, c -> c.claim("bulwark_role", null)))).isEqualTo(403);
  }
}
