package dev.bulwark.server.findings;

import dev.bulwark.server.errors.DomainException;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The states of a finding and who may move it from one to another (docs/findings.md). A person (a
 * by-hand verdict, an approved request, a VEX import, a decision carried over) and the scanner (the
 * advisory sync) move findings along different edges: only the scanner reopens a fixed finding,
 * because "fixed" is a statement about the release's components that only new evidence, an advisory
 * that matches again, can take back.
 */
public enum FindingState {
  open,
  triaged,
  affected,
  not_affected,
  fixed,
  risk_accepted;

  /** Who moves a finding. */
  public enum By {
    /** A person, directly or through an approval, a VEX document or an earlier decision. */
    PERSON,
    /** The advisory sync, from what the advisories now say about the stored components. */
    SCANNER
  }

  private static final Map<FindingState, Set<FindingState>> BY_PERSON =
      new EnumMap<>(FindingState.class);
  private static final Map<FindingState, Set<FindingState>> BY_SCANNER =
      new EnumMap<>(FindingState.class);

  static {
    BY_PERSON.put(open, EnumSet.of(triaged, affected, not_affected, fixed, risk_accepted));
    BY_PERSON.put(triaged, EnumSet.of(open, affected, not_affected, fixed, risk_accepted));
    // A confirmed verdict is not erased back to "nobody looked": it is revised (triaged) or
    // replaced by another verdict.
    BY_PERSON.put(affected, EnumSet.of(triaged, not_affected, fixed, risk_accepted));
    // Nothing to accept in what does not affect the release: it is affected first.
    BY_PERSON.put(not_affected, EnumSet.of(open, triaged, affected, fixed));
    // Terminal for people: the release's components are what they are.
    BY_PERSON.put(fixed, EnumSet.noneOf(FindingState.class));
    // An acceptance may end early, or be renewed by a new approved request.
    BY_PERSON.put(
        risk_accepted, EnumSet.of(open, triaged, affected, not_affected, fixed, risk_accepted));
    for (FindingState s : values()) {
      BY_SCANNER.put(s, s == fixed ? EnumSet.of(open) : EnumSet.of(fixed));
    }
  }

  /** The states a finding in this state may move to, by {@code by}. */
  public Set<FindingState> next(By by) {
    return Set.copyOf((by == By.PERSON ? BY_PERSON : BY_SCANNER).get(this));
  }

  public boolean mayBecome(FindingState to, By by) {
    return (by == By.PERSON ? BY_PERSON : BY_SCANNER).get(this).contains(to);
  }

  /** Refuses a move outside the table with a conflict that names the allowed next states. */
  public void requireMayBecome(FindingState to, By by) {
    if (!mayBecome(to, by)) {
      throw new DomainException.Conflict(refusal(to, by));
    }
  }

  String refusal(FindingState to, By by) {
    Set<FindingState> next = next(by);
    return "a finding in state "
        + this
        + " cannot become "
        + to
        + (by == By.SCANNER ? " by the advisory sync" : "")
        + "; allowed next states: "
        + (next.isEmpty()
            ? "none (only the advisory sync reopens a fixed finding, when an advisory matches it"
                + " again)"
            : next.stream().map(Enum::name).sorted().collect(Collectors.joining(", ")));
  }

  /** The state named, if it is one. */
  public static Optional<FindingState> of(String name) {
    for (FindingState s : values()) {
      if (s.name().equals(name)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  /** A stored state; the database holds only these. */
  static FindingState stored(String name) {
    return of(name).orElseThrow(() -> new IllegalStateException("unknown finding state " + name));
  }
}
