package dev.bulwark.server.auth;

import java.text.Normalizer;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Who is calling: a Bulwark API token or an OIDC subject. {@code actor} is what the audit trail
 * records ({@code token:<id>} or {@code oidc:<subject>}); {@code subject} is the person or machine
 * behind it, the identity separation of duties compares; {@code mintedBy} is the subject that
 * issued the token (null for OIDC identities and the server's own). Admins and unscoped security
 * principals (teams {@code ["*"]}) see every team; everyone else only {@link #teams()}.
 */
public record Principal(
    String actor, String subject, String mintedBy, Role role, List<String> teams) {
  public Principal {
    Objects.requireNonNull(actor, "actor");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(role, "role");
    teams = List.copyOf(teams);
  }

  /** A principal whose subject is its actor (no separate person known). */
  public Principal(String actor, Role role, List<String> teams) {
    this(actor, actor, null, role, teams);
  }

  /** True when no team filter applies. */
  public boolean allTeams() {
    return role == Role.admin || unscopedSecurity();
  }

  /**
   * Organization-wide security: a security principal whose teams are exactly {@link #ALL_TEAMS} (an
   * explicit wildcard, so that a missing or empty team list never widens a principal).
   */
  public boolean unscopedSecurity() {
    return role == Role.security && teams.equals(List.of(ALL_TEAMS));
  }

  /** The teams entry of an unscoped security principal; never a team name. */
  public static final String ALL_TEAMS = "*";

  /** May push and approve the global policy bundle: an admin or unscoped security. */
  public boolean globalAuthority() {
    return role == Role.admin || unscopedSecurity();
  }

  public boolean inScope(String team) {
    return allTeams() || teams.contains(team);
  }

  /**
   * True when this principal may be the same person as the one recorded with {@code otherSubject}
   * and {@code otherMinter}: the same subject, or one of them issued the other's token (whoever
   * mints a token can act as it, so approving a request made through it is approving one's own).
   */
  public boolean samePersonAs(String otherSubject, String otherMinter) {
    return subject.equals(otherSubject)
        || subject.equals(otherMinter)
        || (mintedBy != null && mintedBy.equals(otherSubject));
  }

  /** {@link #mintedBy()}, or the empty string (never a subject) for SQL comparisons. */
  public String minterOrEmpty() {
    return mintedBy == null ? "" : mintedBy;
  }

  /**
   * The canonical form subjects are compared in: NFC, trimmed, lower case, so that "Alice" and
   * "alice" are never two people. Folding can only make two subjects equal, never tell them apart,
   * which is the safe direction for separation of duties.
   */
  public static String canonicalSubject(String raw) {
    return Normalizer.normalize(raw.strip(), Normalizer.Form.NFC).toLowerCase(Locale.ROOT);
  }

  /** The principal used by the server itself, for example when seeding demo data. */
  public static Principal system() {
    return new Principal("system", "system", null, Role.admin, List.of());
  }
}
