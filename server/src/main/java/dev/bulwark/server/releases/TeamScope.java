package dev.bulwark.server.releases;

import dev.bulwark.server.auth.Principal;
import org.jdbi.v3.core.statement.EmptyHandling;
import org.jdbi.v3.core.statement.SqlStatement;

/**
 * The caller's team scope and the visibility of a release's analysis, as SQL fragments: every DAO
 * that reads releases, their components or findings puts them in its WHERE clause, so that scope is
 * enforced by the database and not by filtering afterwards.
 */
public final class TeamScope {
  private TeamScope() {}

  /** The team scope, for statements over {@code services s}. */
  public static final String SCOPE = "(:all OR s.team IN (<teams>))";

  /**
   * A release's analysis (components, dependencies, findings) is visible unless an SBOM upload is
   * still writing it (docs/adr/0008); for statements over {@code releases r}.
   */
  public static final String VISIBLE = "r.sbom_pending IS NULL";

  /** The same for statements that name the release by {@code :r}. */
  public static final String VISIBLE_R =
      "EXISTS (SELECT 1 FROM releases v WHERE v.id = :r AND v.sbom_pending IS NULL)";

  /** Binds the scope's parameters for {@code p}. */
  public static <S extends SqlStatement<S>> S scoped(S st, Principal p) {
    return st.bind("all", p.allTeams()).bindList(EmptyHandling.NULL_KEYWORD, "teams", p.teams());
  }
}
