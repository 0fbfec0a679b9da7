package dev.bulwark.server.console;

import java.util.List;

/** Sign-in with an OIDC issuer: authorization code with PKCE (filled in by the next commit). */
public final class OidcSignIn {
  List<ConsolePage> pages() {
    return List.of();
  }
}
