package dev.bulwark.server.auth;

import java.util.List;
import java.util.Objects;

/**
 * Who is calling: a Bulwark API token or an OIDC subject. {@code actor} is what the audit trail
 * records ({@code token:<id>} or {@code oidc:<subject>}). Admins see every team; everyone else only
 * {@link #teams()}.
 */
public record Principal(String actor, Role role, List<String> teams) {
  public Principal {
    Objects.requireNonNull(actor, "actor");
    Objects.requireNonNull(role, "role");
    teams = List.copyOf(teams);
  }

  /** True when no team filter applies. */
  public boolean allTeams() {
    return role == Role.admin;
  }

  public boolean inScope(String team) {
    return allTeams() || teams.contains(team);
  }

  /** The principal used by the server itself, for example when seeding demo data. */
  public static Principal system() {
    return new Principal("system", Role.admin, List.of());
  }
}
