package dev.bulwark.server.auth;

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
import dev.bulwark.server.config.ServerConfig;
import dev.bulwark.server.errors.DomainException;
import java.net.MalformedURLException;
import java.text.ParseException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;

/**
 * Accepts JWT bearer tokens of one OIDC issuer: the signature through the issuer's JWKS (fetched
 * and cached by Nimbus), then {@code iss}, {@code aud}, {@code exp} and {@code nbf}. Role and teams
 * come from configured claims. Symmetric algorithms are not accepted: a JWKS holds public keys.
 */
public final class OidcVerifier {
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
          JWSAlgorithm.Ed25519,
          JWSAlgorithm.EdDSA);

  private final ServerConfig.Oidc config;
  private final DefaultJWTProcessor<SecurityContext> processor;

  public OidcVerifier(ServerConfig.Oidc config, Clock clock) {
    this.config = config;
    JWKSource<SecurityContext> keys;
    try {
      keys = JWKSourceBuilder.create(config.jwksUri().toURL()).retrying(true).build();
    } catch (MalformedURLException e) {
      throw new IllegalArgumentException("oidc.jwksUri is not a URL: " + config.jwksUri(), e);
    }
    processor = new DefaultJWTProcessor<>();
    processor.setJWSKeySelector(new JWSVerificationKeySelector<>(ALGORITHMS, keys));
    var claims =
        new DefaultJWTClaimsVerifier<SecurityContext>(
            config.audience(),
            new JWTClaimsSet.Builder().issuer(config.issuer()).build(),
            Set.of("sub", "exp")) {
          @Override
          protected Date currentTime() {
            return Date.from(clock.instant());
          }
        };
    claims.setMaxClockSkew((int) config.clockSkew().toSeconds());
    processor.setJWTClaimsSetVerifier(claims);
  }

  public Principal verify(String jwt) {
    JWTClaimsSet claims;
    try {
      claims = processor.process(jwt, null);
    } catch (ParseException e) {
      throw new Unauthorized("the bearer token is not a well-formed JWT");
    } catch (BadJOSEException e) {
      throw new Unauthorized("the JWT was rejected: " + e.getMessage());
    } catch (JOSEException e) {
      throw new Unauthorized("the JWT could not be verified: " + e.getMessage());
    }
    return principalOf(claims, config);
  }

  /**
   * The principal verified claims stand for: the role from {@code oidc.roleClaim}, the teams from
   * {@code oidc.teamsClaim}, the person from {@code oidc.subjectClaim}. The same mapping serves JWT
   * bearer tokens of the API and ID tokens of the console's OIDC sign-in.
   */
  public static Principal principalOf(JWTClaimsSet claims, ServerConfig.Oidc config) {
    Object roleClaim = claims.getClaim(config.roleClaim());
    Role role;
    try {
      role = Role.valueOf(String.valueOf(roleClaim));
    } catch (IllegalArgumentException e) {
      throw new DomainException.Forbidden(
          "the JWT's " + config.roleClaim() + " claim is missing or not a Bulwark role");
    }
    List<String> teams = new ArrayList<>();
    Object teamsClaim = claims.getClaim(config.teamsClaim());
    if (teamsClaim instanceof String s) {
      teams.add(s);
    } else if (teamsClaim instanceof List<?> list) {
      for (Object o : list) {
        if (o instanceof String s) {
          teams.add(s);
        }
      }
    }
    // A security identity without teams would be organization-wide security: that takes an
    // explicit "*" in the teams claim, never a claim that is merely missing.
    if (role == Role.security && teams.contains(Principal.ALL_TEAMS)) {
      teams = List.of(Principal.ALL_TEAMS);
    } else if (role == Role.security && teams.isEmpty()) {
      throw new DomainException.Forbidden(
          "the JWT's "
              + config.teamsClaim()
              + " claim names no team; organization-wide security takes \"*\"");
    } else {
      teams.remove(Principal.ALL_TEAMS);
    }
    // The person: the verified sub, or the configured claim (an e-mail address, say, that tokens
    // minted for the same person name as their subject too).
    Object person = claims.getClaim(config.subjectClaim());
    if (!(person instanceof String s) || s.isBlank()) {
      throw new Unauthorized(
          "the JWT's " + config.subjectClaim() + " claim (oidc.subjectClaim) is missing");
    }
    return new Principal(
        "oidc:" + claims.getSubject(), Principal.canonicalSubject(s), null, role, teams);
  }
}
