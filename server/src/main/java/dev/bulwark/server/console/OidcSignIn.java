package dev.bulwark.server.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.bulwark.common.Sha256;
import dev.bulwark.server.auth.Authenticator;
import dev.bulwark.server.auth.OidcVerifier;
import dev.bulwark.server.auth.Permission;
import dev.bulwark.server.auth.Principal;
import dev.bulwark.server.config.ServerConfig;
import dev.bulwark.server.errors.DomainException;
import dev.bulwark.server.http.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sign-in with the configured OIDC issuer: the authorization code flow with PKCE (RFC 7636, S256),
 * {@code state} against cross-site requests and {@code nonce} against replayed ID tokens (OpenID
 * Connect Core 1.0, 3.1). The issuer's endpoints come from its discovery document, read at the
 * first sign-in (the server starts while the issuer is down). The ID token is verified by Nimbus
 * against the issuer's JWKS: signature (asymmetric algorithms only), {@code iss}, {@code aud} =
 * {@code oidc.clientId}, {@code exp}/{@code iat} on the server's clock, and {@code nonce}; its
 * claims map to a role and teams exactly as a JWT bearer token's do ({@link
 * OidcVerifier#principalOf}).
 *
 * <p>The state, nonce and verifier are stored server-side ({@code console_oidc_requests}), bound to
 * the browser by a {@code SameSite=Lax} cookie of their own (the way back from the issuer is a
 * cross-site navigation, which carries no Strict cookie), and good once, for ten minutes.
 */
public final class OidcSignIn {
  private static final Logger LOG = LoggerFactory.getLogger(OidcSignIn.class);
  static final String FLOW_COOKIE = "bulwark_oidc";
  static final String CALLBACK = "/sign-in/oidc/callback";
  private static final Set<JWSAlgorithm> ALGORITHMS =
      Set.of(
          JWSAlgorithm.RS256,
          JWSAlgorithm.RS384,
          JWSAlgorithm.RS512,
          JWSAlgorithm.PS256,
          JWSAlgorithm.PS384,
          JWSAlgorithm.PS512,
          JWSAlgorithm.ES256,
          JWSAlgorithm.ES384,
          JWSAlgorithm.ES512,
          JWSAlgorithm.EdDSA,
          JWSAlgorithm.Ed25519);

  private final ServerConfig.Oidc oidc;
  private final String clientId;
  private final Optional<ServerConfig.Secret> clientSecret;
  private final Optional<URI> publicUrl;
  private final ConsoleSessions sessions;
  private final Authenticator auth;
  private final Clock clock;
  private final Supplier<Console> console;
  private final HttpClient http =
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(10))
          .followRedirects(HttpClient.Redirect.NEVER)
          .build();
  private volatile Issuer issuer;

  /** The issuer's endpoints and the processor that verifies its ID tokens. */
  private record Issuer(
      URI authorization, URI token, DefaultJWTProcessor<SecurityContext> processor) {}

  public OidcSignIn(
      ServerConfig.Oidc oidc,
      ServerConfig.ConsoleSettings settings,
      ConsoleSessions sessions,
      Authenticator auth,
      Clock clock,
      Supplier<Console> console) {
    this.oidc = oidc;
    this.clientId =
        settings
            .oidcClientId()
            .orElseThrow(() -> new IllegalArgumentException("oidc.clientId is not set"));
    this.clientSecret = settings.oidcClientSecret();
    this.publicUrl = settings.publicUrl();
    this.sessions = sessions;
    this.auth = auth;
    this.clock = clock;
    this.console = console;
  }

  List<ConsolePage> pages() {
    return List.of(
        ConsolePage.get("/sign-in/oidc", Permission.PUBLIC, this::start),
        ConsolePage.get(CALLBACK, Permission.PUBLIC, this::callback));
  }

  /** Leaves for the issuer with a fresh state, nonce and PKCE challenge. */
  private View start(PageCall call) {
    String next = ConsoleFeature.next(call.query("next"));
    Issuer is = issuer();
    String state = sessions.randomSecret();
    String nonce = sessions.randomSecret();
    String verifier = sessions.randomSecret();
    String browser = sessions.randomSecret();
    sessions.saveOidcRequest(state, browser, nonce, verifier, next);
    String challenge =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(Sha256.of(verifier.getBytes(StandardCharsets.US_ASCII)));
    Map<String, String> q = new LinkedHashMap<>();
    q.put("response_type", "code");
    q.put("client_id", clientId);
    q.put("redirect_uri", redirectUri(call));
    q.put("scope", "openid profile email");
    q.put("state", state);
    q.put("nonce", nonce);
    q.put("code_challenge", challenge);
    q.put("code_challenge_method", "S256");
    Cookies cookies = console.get().cookies();
    call.ctx()
        .res()
        .addHeader(
            "Set-Cookie",
            FLOW_COOKIE
                + "="
                + browser
                + "; Path=/sign-in/oidc; Max-Age="
                + ConsoleSessions.OIDC_REQUEST_LIFETIME.toSeconds()
                + "; HttpOnly; SameSite=Lax"
                + (cookies.secure(call.ctx()) ? "; Secure" : ""));
    String sep = is.authorization().getRawQuery() == null ? "?" : "&";
    return new IssuerRedirect(URI.create(is.authorization() + sep + form(q)));
  }

  /** The issuer sends the browser back here with a code (or an error). */
  private View callback(PageCall call) {
    String address =
        auth.clientAddress(
            call.ctx().req().getRemoteAddr(), call.ctx().req().getHeaders("X-Forwarded-For"));
    call.ctx()
        .res()
        .addHeader(
            "Set-Cookie", FLOW_COOKIE + "=; Path=/sign-in/oidc; Max-Age=0; HttpOnly; SameSite=Lax");
    Optional<SessionDao.OidcRequest> request =
        sessions.takeOidcRequest(call.query("state"), call.ctx().cookie(FLOW_COOKIE));
    if (request.isEmpty()) {
      auth.recordFailure(address);
      return refused(
          "this sign-in is unknown, already used, expired or was started in another browser;"
              + " start again");
    }
    String error = call.query("error");
    if (error != null) {
      return refused("the issuer answered " + clip(error));
    }
    String code = call.query("code");
    if (code == null || code.length() > 4096) {
      return refused("the issuer sent no authorization code");
    }
    Principal p;
    try {
      String idToken = exchange(code, request.get().codeVerifier(), redirectUri(call));
      p = verify(idToken, request.get().nonce());
    } catch (Refused e) {
      auth.recordFailure(address);
      LOG.info("OIDC sign-in refused from {}: {}", address, e.getMessage());
      return refused(e.getMessage());
    }
    sessions.delete(call.ctx().cookie(Cookies.SESSION));
    ConsoleSessions.Created created =
        sessions.create(p, ConsoleSession.Kind.oidc, Optional.empty());
    console.get().cookies().set(call.ctx(), Cookies.SESSION, created.cookieValue());
    return new Continue(request.get().nextPath());
  }

  private static View refused(String why) {
    return View.page(
        "console/sign-in.jte",
        new ConsoleFeature.SignIn("/", "OIDC sign-in failed: " + why + "."),
        401);
  }

  /** The code for tokens at the token endpoint (with the PKCE verifier); the ID token. */
  private String exchange(String code, String verifier, String redirectUri) {
    Map<String, String> body = new LinkedHashMap<>();
    body.put("grant_type", "authorization_code");
    body.put("code", code);
    body.put("redirect_uri", redirectUri);
    body.put("code_verifier", verifier);
    body.put("client_id", clientId);
    HttpRequest.Builder b =
        HttpRequest.newBuilder(issuer().token())
            .timeout(Duration.ofSeconds(15))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Accept", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(form(body)));
    clientSecret.ifPresent(
        s ->
            b.header(
                "Authorization",
                "Basic "
                    + Base64.getEncoder()
                        .encodeToString(
                            (urlEncode(clientId) + ":" + urlEncode(s.value()))
                                .getBytes(StandardCharsets.UTF_8))));
    HttpResponse<byte[]> r;
    try {
      r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new Refused("the issuer's token endpoint could not be reached");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Refused("interrupted");
    }
    if (r.statusCode() != 200) {
      throw new Refused("the issuer's token endpoint answered " + r.statusCode());
    }
    JsonNode json;
    try {
      json = Json.MAPPER.readTree(r.body());
    } catch (IOException e) {
      throw new Refused("the issuer's token answer is not JSON");
    }
    String idToken = json == null ? null : json.path("id_token").asText(null);
    if (idToken == null || idToken.isBlank()) {
      throw new Refused("the issuer's token answer has no id_token");
    }
    return idToken;
  }

  /** Verifies the ID token and maps its claims; {@link Refused} says what was wrong. */
  Principal verify(String idToken, String nonce) {
    JWTClaimsSet claims;
    try {
      claims = issuer().processor().process(idToken, null);
    } catch (ParseException e) {
      throw new Refused("the ID token is not a well-formed JWT");
    } catch (BadJOSEException e) {
      throw new Refused("the ID token was rejected: " + e.getMessage());
    } catch (JOSEException e) {
      throw new Refused("the ID token could not be verified: " + e.getMessage());
    }
    Object given = claims.getClaim("nonce");
    if (!(given instanceof String n)
        || !java.security.MessageDigest.isEqual(
            n.getBytes(StandardCharsets.UTF_8), nonce.getBytes(StandardCharsets.UTF_8))) {
      throw new Refused("the ID token's nonce is not this sign-in's");
    }
    try {
      return OidcVerifier.principalOf(claims, oidc);
    } catch (DomainException.Forbidden e) {
      throw new Refused(e.detail());
    } catch (dev.bulwark.server.auth.Unauthorized e) {
      throw new Refused(e.getMessage());
    }
  }

  /** The issuer as its discovery document describes it, read once it is first needed. */
  private Issuer issuer() {
    Issuer is = issuer;
    if (is != null) {
      return is;
    }
    synchronized (this) {
      if (issuer == null) {
        issuer = discover();
      }
      return issuer;
    }
  }

  private Issuer discover() {
    URI doc =
        URI.create(
            (oidc.issuer().endsWith("/")
                    ? oidc.issuer().substring(0, oidc.issuer().length() - 1)
                    : oidc.issuer())
                + "/.well-known/openid-configuration");
    JsonNode d;
    try {
      HttpResponse<byte[]> r =
          http.send(
              HttpRequest.newBuilder(doc).timeout(Duration.ofSeconds(15)).GET().build(),
              HttpResponse.BodyHandlers.ofByteArray());
      if (r.statusCode() != 200) {
        throw new DomainException.Unavailable(
            "the OIDC issuer's discovery document (" + doc + ") answered " + r.statusCode());
      }
      d = Json.MAPPER.readTree(r.body());
    } catch (IOException e) {
      throw new DomainException.Unavailable(
          "the OIDC issuer's discovery document (" + doc + ") could not be read");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DomainException.Unavailable("interrupted");
    }
    if (d == null || !oidc.issuer().equals(d.path("issuer").asText(null))) {
      throw new DomainException.Unavailable(
          "the discovery document at " + doc + " names another issuer");
    }
    URI authorization = endpoint(d, "authorization_endpoint");
    URI token = endpoint(d, "token_endpoint");
    URI jwks = endpoint(d, "jwks_uri");
    JWKSource<SecurityContext> keys;
    try {
      keys = JWKSourceBuilder.create(jwks.toURL()).retrying(true).build();
    } catch (java.net.MalformedURLException e) {
      throw new DomainException.Unavailable("the issuer's jwks_uri is not a URL");
    }
    var processor = new DefaultJWTProcessor<SecurityContext>();
    processor.setJWSKeySelector(new JWSVerificationKeySelector<>(ALGORITHMS, keys));
    var verifier =
        new DefaultJWTClaimsVerifier<SecurityContext>(
            clientId,
            new JWTClaimsSet.Builder().issuer(oidc.issuer()).build(),
            Set.of("sub", "exp", "iat", "nonce")) {
          @Override
          protected Date currentTime() {
            return Date.from(clock.instant());
          }
        };
    verifier.setMaxClockSkew((int) oidc.clockSkew().toSeconds());
    processor.setJWTClaimsSetVerifier(verifier);
    return new Issuer(authorization, token, processor);
  }

  private static URI endpoint(JsonNode d, String name) {
    String v = d.path(name).asText(null);
    if (v == null || !(v.startsWith("https://") || v.startsWith("http://"))) {
      throw new DomainException.Unavailable("the issuer's discovery document has no " + name);
    }
    return URI.create(v);
  }

  private String redirectUri(PageCall call) {
    if (publicUrl.isPresent()) {
      return publicUrl.get() + CALLBACK;
    }
    String scheme = console.get().cookies().secure(call.ctx()) ? "https" : "http";
    return scheme + "://" + call.ctx().host() + CALLBACK;
  }

  private static String form(Map<String, String> values) {
    StringBuilder b = new StringBuilder();
    values.forEach(
        (k, v) -> {
          if (!b.isEmpty()) {
            b.append('&');
          }
          b.append(urlEncode(k)).append('=').append(urlEncode(v));
        });
    return b.toString();
  }

  private static String urlEncode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static String clip(String s) {
    String t = s.replaceAll("[^A-Za-z0-9 ._:-]", "?");
    return t.length() > 100 ? t.substring(0, 100) + "..." : t;
  }

  /** A sign-in refused for a reason the page tells (never a stack trace). */
  static final class Refused extends RuntimeException {
    Refused(String message) {
      super(message, null, false, false);
    }
  }
}
