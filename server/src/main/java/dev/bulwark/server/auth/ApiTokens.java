package dev.bulwark.server.auth;

/**
 * Checks the secret of an API token. The tokens feature implements it; the {@link Authenticator}
 * asks it, so that authentication does not depend on how tokens are stored and issued.
 */
public interface ApiTokens {
  /** How every API token secret begins, so that it is told apart from a JWT at a glance. */
  String PREFIX = "bwk_";

  static boolean looksLikeApiToken(String bearer) {
    return bearer.startsWith(PREFIX);
  }

  /** The principal of a valid secret; else {@link Unauthorized} saying what is wrong with it. */
  Principal authenticate(String secret);
}
