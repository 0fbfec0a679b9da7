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

  /**
   * The principal of the token with this id as it stands now, empty once it is revoked, expired or
   * gone: a console session signed in with a token asks on every request, so that revoking the
   * token ends its sessions too.
   */
  java.util.Optional<Principal> current(String tokenId);
}
