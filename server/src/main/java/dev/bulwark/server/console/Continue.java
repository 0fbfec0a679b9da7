package dev.bulwark.server.console;

import java.util.Objects;

/** After an OIDC sign-in: a page that goes on to {@code next} by itself (see Console). */
public record Continue(String next) implements View {
  public Continue {
    Objects.requireNonNull(next, "next");
    if (!PageCall.isLocalPath(next)) {
      throw new IllegalArgumentException("continues to a path of this server: " + next);
    }
  }
}
