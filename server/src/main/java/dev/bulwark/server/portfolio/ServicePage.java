package dev.bulwark.server.portfolio;

import dev.bulwark.server.auth.Permission;
import dev.bulwark.server.auth.Principal;
import dev.bulwark.server.catalog.Catalog;
import dev.bulwark.server.catalog.Service;
import dev.bulwark.server.console.ConsolePage;
import dev.bulwark.server.console.View;
import dev.bulwark.server.errors.DomainException;
import dev.bulwark.server.findings.FindingLifecycle;
import dev.bulwark.server.findings.FindingState;
import dev.bulwark.server.findings.Findings;
import dev.bulwark.server.releases.Releases;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a service page shows, read through the same services as the API routes (so the page and the
 * API never disagree): the service, its releases with their open findings, the findings of one
 * release with filters, their SLA dates, VEX statements, the upgrade plan, a diff against another
 * release, and the risk acceptances waiting for review. Nothing here writes; the forms on the page
 * post to the findings feature's pages.
 */
public final class ServicePage {
  /** Severities a finding can have, gravest first: the severity filter's choices. */
  public static final List<String> SEVERITIES =
      List.of("critical", "high", "medium", "low", "none", "unknown");

  /** Finding states: the state filter's choices. */
  public static final List<String> STATES =
      java.util.Arrays.stream(FindingState.values()).map(Enum::name).toList();

  /** The most findings a page lists; the rest are counted, and a filter narrows them. */
  public static final int MAX_FINDINGS = 500;

  private final Catalog catalog;
  private final Releases releases;
  private final Findings findings;
  private final FindingLifecycle lifecycle;
  private final Portfolio portfolio;
  private final Clock clock;

  public ServicePage(
      Catalog catalog,
      Releases releases,
      Findings findings,
      FindingLifecycle lifecycle,
      Portfolio portfolio,
      Clock clock) {
    this.catalog = catalog;
    this.releases = releases;
    this.findings = findings;
    this.lifecycle = lifecycle;
    this.portfolio = portfolio;
    this.clock = clock;
  }

  /** The findings filter of the page's query string; every value is checked, none guessed. */
  public record Filter(String severity, String state, boolean overdue) {
    public Filter {
      List<DomainException.FieldError> errors = new ArrayList<>();
      if (severity != null && !SEVERITIES.contains(severity)) {
        errors.add(
            new DomainException.FieldError(
                "severity", "must be one of " + String.join(", ", SEVERITIES)));
      }
      if (state != null && !STATES.contains(state)) {
        errors.add(
            new DomainException.FieldError("state", "must be one of " + String.join(", ", STATES)));
      }
      if (!errors.isEmpty()) {
        throw new DomainException.Invalid(errors);
      }
    }

    /** A filter from query values, where an empty value means no filter. */
    public static Filter of(String severity, String state, String overdue) {
      return new Filter(blankToNull(severity), blankToNull(state), "true".equals(overdue));
    }

    boolean accepts(Findings.Finding f, Instant now) {
      return (severity == null || severity.equals(f.severity()))
          && (state == null || state.equals(f.state()))
          && (!overdue || ServicePage.overdue(f, now));
    }

    public boolean any() {
      return severity != null || state != null || overdue;
    }
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  /** A release as the page lists it, with its open findings by severity. */
  public record ReleaseRow(
      String version,
      String digest,
      Instant createdAt,
      String sbomFormat,
      Map<String, Long> open,
      long openTotal) {}

  /**
   * A finding with what the page needs beside it; {@code ledgerIndex} is its latest ledger entry
   * (its last triage), null when it was never triaged.
   */
  public record FindingRow(
      Findings.Finding finding,
      boolean overdue,
      long daysLeft,
      List<String> nextStates,
      Long ledgerIndex) {}

  /** Everything the service page renders. */
  public record Model(
      Service service,
      List<ReleaseRow> releases,
      String release,
      String releaseDigest,
      Filter filter,
      List<FindingRow> findings,
      int matching,
      int total,
      List<Findings.VexStatement> vex,
      List<Portfolio.Step> plan,
      String against,
      Portfolio.Diff diff,
      List<FindingLifecycle.RiskRequestView> riskRequests,
      List<FindingLifecycle.TransitionRequestView> verdictRequests,
      String notice,
      boolean mayTriage,
      boolean mayApprove,
      List<String> justifications,
      Instant now) {}

  static boolean overdue(Findings.Finding f, Instant now) {
    return "open".equals(f.state()) && f.due() != null && now.isAfter(f.due());
  }

  /**
   * The page of {@code service} for {@code caller}: {@code release} (or the newest) with its
   * findings through {@code filter}, and the diff against {@code against} when it is given.
   */
  public Model build(
      Principal caller,
      String service,
      String release,
      String against,
      Filter filter,
      String done) {
    Service svc =
        catalog
            .find(caller, service)
            .orElseThrow(() -> new DomainException.NotFound("no service named '" + service + "'"));
    List<Releases.ReleaseView> views = releases.list(caller, service, Releases.MAX_LISTED);
    Map<String, Map<String, Long>> open = findings.openCounts(caller, service);
    List<ReleaseRow> rows = new ArrayList<>();
    for (Releases.ReleaseView v : views) {
      Map<String, Long> counts = open.getOrDefault(v.version(), Map.of());
      rows.add(
          new ReleaseRow(
              v.version(),
              v.digest(),
              v.createdAt(),
              v.sbomFormat(),
              counts,
              counts.values().stream().mapToLong(Long::longValue).sum()));
    }
    String selected = blankToNull(release);
    if (selected == null && !views.isEmpty()) {
      selected = views.get(0).version();
    }
    Instant now = clock.instant();
    boolean mayTriage = caller.role().may(Permission.FINDING_TRIAGE);
    boolean mayApprove = caller.role().may(Permission.RISK_APPROVE);
    List<FindingRow> shown = new ArrayList<>();
    List<Findings.Finding> listed = new ArrayList<>();
    List<Findings.VexStatement> vex = List.of();
    List<Portfolio.Step> plan = List.of();
    Portfolio.Diff diff = null;
    String digest = null;
    int matching = 0;
    int total = 0;
    if (selected != null) {
      String version = selected;
      digest =
          views.stream()
              .filter(v -> v.version().equals(version))
              .map(Releases.ReleaseView::digest)
              .findFirst()
              .orElse(null);
      List<Findings.Finding> all = findings.findings(caller, service, version);
      total = all.size();
      List<Findings.Finding> sorted = new ArrayList<>(all);
      sorted.sort(
          Comparator.comparingInt((Findings.Finding f) -> SEVERITIES.indexOf(f.severity()))
              .thenComparing(Findings.Finding::due, Comparator.nullsLast(Comparator.naturalOrder()))
              .thenComparing(Findings.Finding::id));
      for (Findings.Finding f : sorted) {
        if (!filter.accepts(f, now)) {
          continue;
        }
        matching++;
        if (listed.size() < MAX_FINDINGS) {
          listed.add(f);
        }
      }
      Map<Long, Long> ledger =
          lifecycle.lastLedgerEntries(
              caller, listed.stream().map(Findings.Finding::findingId).toList());
      for (Findings.Finding f : listed) {
        shown.add(
            new FindingRow(
                f,
                overdue(f, now),
                f.due() == null ? 0 : Duration.between(now, f.due()).toDays(),
                mayTriage ? next(f.state()) : List.of(),
                ledger.get(f.findingId())));
      }
      vex = Findings.vexStatements(all);
      plan = portfolio.plan(caller, service, version);
      String earlier = blankToNull(against);
      if (earlier != null) {
        diff = portfolio.diff(caller, service, earlier, version);
      }
    }
    List<FindingLifecycle.RiskRequestView> pending =
        lifecycle.riskRequests(caller, "pending", service, 100);
    List<FindingLifecycle.TransitionRequestView> verdicts =
        lifecycle.transitionRequests(caller, "pending", 500).stream()
            .filter(t -> t.service().equals(service))
            .toList();
    return new Model(
        svc,
        rows,
        selected,
        digest,
        filter,
        shown,
        matching,
        total,
        vex,
        plan,
        blankToNull(against),
        diff,
        pending,
        verdicts,
        NOTICES.get(done == null ? "" : done),
        mayTriage,
        mayApprove,
        FindingLifecycle.justifications(),
        now);
  }

  /**
   * What the forms of the page did, by the code their redirect names: fixed sentences, so that a
   * link cannot put words on the page.
   */
  static final Map<String, String> NOTICES =
      Map.of(
          "transition", "The finding's state was changed.",
          "pending", "The verdict waits for another person's approval.",
          "risk-requested", "Risk acceptance requested: another person approves it.",
          "risk-accepted", "The risk was accepted.",
          "verdict-approved", "The verdict was approved.",
          "verdict-rejected", "The verdict was rejected.");

  /** The service page, for callers who may read the service. */
  public List<ConsolePage> pages() {
    return List.of(
        ConsolePage.get(
            "/services/{name}",
            Permission.SERVICE_READ,
            call ->
                View.page(
                    "portfolio/service.jte",
                    build(
                        call.principal(),
                        call.pathParam("name"),
                        call.query("release"),
                        call.query("against"),
                        Filter.of(
                            call.query("severity"), call.query("state"), call.query("overdue")),
                        call.query("done")))));
  }

  /** The states a person may move a finding to by a transition (risk acceptance is a request). */
  static List<String> next(String state) {
    Set<FindingState> next =
        FindingState.of(state).map(s -> s.next(FindingState.By.PERSON)).orElse(Set.of());
    return next.stream()
        .filter(s -> s != FindingState.risk_accepted)
        .map(Enum::name)
        .sorted()
        .toList();
  }
}
