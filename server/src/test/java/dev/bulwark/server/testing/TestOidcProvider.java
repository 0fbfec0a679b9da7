package dev.bulwark.server.testing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.bulwark.common.Sha256;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * An OIDC provider the test serves itself, on a real socket (the JDK's HTTP server), with a real
 * RSA key and real signed ID tokens: discovery, JWKS, an authorization endpoint that signs in its
 * current user at once and sends the browser back with a code, and a token endpoint that checks the
 * code, the redirect URI, the client and the PKCE verifier (S256) before it answers. Tests bend the
 * next ID token ({@link #tweak}) or sign it with a key the JWKS does not hold ({@link
 * #signWithForeignKey}).
 */
public final class TestOidcProvider implements AutoCloseable {
  public static final String CLIENT_ID = "bulwark-console";

  private final HttpServer server;
  private final java.util.function.Supplier<java.time.Instant> now;
  private final RSAKey key;
  private final RSAKey foreign;
  private final Map<String, Map<String, String>> codes = new ConcurrentHashMap<>();
  private volatile Map<String, Object> user = Map.of();
  private volatile UnaryOperator<JWTClaimsSet.Builder> tweak = b -> b;
  private volatile boolean signWithForeignKey;

  /** What the last token request was refused for, or null. */
  public volatile String lastTokenError;

  /**
   * @param now the provider's time (the test server's fake clock, usually)
   */
  public TestOidcProvider(java.util.function.Supplier<java.time.Instant> now)
      throws IOException, JOSEException {
    this.now = now;
    this.key = new RSAKeyGenerator(2048).keyID("k1").generate();
    this.foreign = new RSAKeyGenerator(2048).keyID("k1").generate();
    this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/.well-known/openid-configuration", this::discovery);
    server.createContext("/jwks", this::jwks);
    server.createContext("/authorize", this::authorize);
    server.createContext("/token", this::token);
    server.start();
  }

  public String issuer() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** The claims the next sign-ins carry (beside iss, aud, sub, iat, exp, nonce). */
  public void signInAs(String sub, Map<String, Object> claims) {
    Map<String, Object> m = new LinkedHashMap<>(claims);
    m.put("sub", sub);
    this.user = Map.copyOf(m);
  }

  /** Changes the next ID tokens (until reset with {@code b -> b}). */
  public void tweak(UnaryOperator<JWTClaimsSet.Builder> t) {
    this.tweak = t;
  }

  public void signWithForeignKey(boolean v) {
    this.signWithForeignKey = v;
  }

  private void discovery(HttpExchange x) throws IOException {
    json(
        x,
        200,
        "{\"issuer\":\""
            + issuer()
            + "\",\"authorization_endpoint\":\""
            + issuer()
            + "/authorize\",\"token_endpoint\":\""
            + issuer()
            + "/token\",\"jwks_uri\":\""
            + issuer()
            + "/jwks\",\"response_types_supported\":[\"code\"],"
            + "\"code_challenge_methods_supported\":[\"S256\"],"
            + "\"id_token_signing_alg_values_supported\":[\"RS256\"]}");
  }

  private void jwks(HttpExchange x) throws IOException {
    json(x, 200, new JWKSet(key.toPublicJWK()).toString());
  }

  /** Signs its user in at once and sends the browser back to the client with a code. */
  private void authorize(HttpExchange x) throws IOException {
    Map<String, String> q = parse(x.getRequestURI().getRawQuery());
    if (!CLIENT_ID.equals(q.get("client_id"))
        || !"code".equals(q.get("response_type"))
        || !"S256".equals(q.get("code_challenge_method"))
        || q.get("code_challenge") == null
        || q.get("redirect_uri") == null) {
      json(x, 400, "{\"error\":\"invalid_request\"}");
      return;
    }
    String code = UUID.randomUUID().toString();
    codes.put(code, q);
    x.getResponseHeaders()
        .add(
            "Location",
            q.get("redirect_uri")
                + "?code="
                + enc(code)
                + "&state="
                + enc(q.getOrDefault("state", "")));
    x.sendResponseHeaders(302, -1);
    x.close();
  }

  private void token(HttpExchange x) throws IOException {
    Map<String, String> f =
        parse(new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
    Map<String, String> auth = codes.remove(f.getOrDefault("code", ""));
    String error = null;
    if (auth == null) {
      error = "unknown or used code";
    } else if (!"authorization_code".equals(f.get("grant_type"))) {
      error = "grant_type";
    } else if (!auth.get("redirect_uri").equals(f.get("redirect_uri"))) {
      error = "redirect_uri differs";
    } else if (!CLIENT_ID.equals(f.get("client_id"))) {
      error = "client_id";
    } else if (f.get("code_verifier") == null
        || !Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(Sha256.of(f.get("code_verifier").getBytes(StandardCharsets.US_ASCII)))
            .equals(auth.get("code_challenge"))) {
      error = "PKCE verifier does not match the challenge";
    }
    lastTokenError = error;
    if (error != null) {
      json(x, 400, "{\"error\":\"invalid_grant\"}");
      return;
    }
    try {
      JWTClaimsSet.Builder b =
          new JWTClaimsSet.Builder()
              .issuer(issuer())
              .audience(List.of(CLIENT_ID))
              .issueTime(Date.from(now.get()))
              .expirationTime(Date.from(now.get().plus(Duration.ofMinutes(5))))
              .claim("nonce", auth.get("nonce"));
      user.forEach(b::claim);
      b.subject(String.valueOf(user.get("sub")));
      SignedJWT jwt =
          new SignedJWT(
              new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k1").build(),
              tweak.apply(b).build());
      jwt.sign(new RSASSASigner(signWithForeignKey ? foreign : key));
      json(
          x,
          200,
          "{\"access_token\":\"opaque\",\"token_type\":\"Bearer\",\"id_token\":\""
              + jwt.serialize()
              + "\"}");
    } catch (JOSEException e) {
      json(x, 500, "{\"error\":\"server_error\"}");
    }
  }

  private static void json(HttpExchange x, int status, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().add("Content-Type", "application/json");
    x.sendResponseHeaders(status, b.length);
    x.getResponseBody().write(b);
    x.close();
  }

  /** The query parameters of a URL (decoded). */
  public static Map<String, String> parse(String raw) {
    Map<String, String> m = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return m;
    }
    for (String part : raw.split("&")) {
      int eq = part.indexOf('=');
      String k = eq < 0 ? part : part.substring(0, eq);
      String v = eq < 0 ? "" : part.substring(eq + 1);
      m.put(
          URLDecoder.decode(k, StandardCharsets.UTF_8),
          URLDecoder.decode(v, StandardCharsets.UTF_8));
    }
    return m;
  }

  public static Map<String, String> query(URI uri) {
    return parse(uri.getRawQuery());
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
