package dev.bulwark.server.console;

import java.net.URI;
import java.util.Objects;

/**
 * The one redirect that leaves the server: to the configured OIDC issuer's authorization endpoint.
 * Package-private, so that no page can send a browser to another site.
 */
record IssuerRedirect(URI location) implements View {
  IssuerRedirect {
    Objects.requireNonNull(location, "location");
  }
}
