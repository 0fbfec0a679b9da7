package dev.bulwark.server.findings;

import dev.bulwark.server.auth.Permission;
import dev.bulwark.server.catalog.ServiceLinks;
import dev.bulwark.server.console.ConsolePage;
import dev.bulwark.server.console.PageCall;
import dev.bulwark.server.console.View;
import dev.bulwark.server.errors.DomainException;
import dev.bulwark.server.http.Validation;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * The console's findings forms, posted from a service page: triage (a state transition), a risk
 * acceptance request, and the approval of risk acceptances and of verdicts that wait for a second
 * person. Each goes through {@link FindingLifecycle} exactly as its API route does, so the same
 * rules hold (the state table, separation of duties, the team scope), and answers with a redirect
 * back to the service page.
 */
final class FindingPages {
  private final FindingLifecycle lifecycle;

  FindingPages(FindingLifecycle lifecycle) {
    this.lifecycle = lifecycle;
  }

  List<ConsolePage> pages() {
    return List.of(
        ConsolePage.form("/findings/{id}/transition", Permission.FINDING_TRIAGE, this::transition),
        ConsolePage.form(
            "/findings/{id}/risk-acceptance", Permission.FINDING_TRIAGE, this::requestRisk),
        ConsolePage.form(
            "/risk-acceptances/{id}/approve", Permission.RISK_APPROVE, this::approveRisk),
        ConsolePage.form(
            "/transition-requests/{id}/approve", Permission.RISK_APPROVE, this::approveTransition),
        ConsolePage.form(
            "/transition-requests/{id}/reject", Permission.RISK_APPROVE, this::rejectTransition));
  }

  private static long id(PageCall call, String what) {
    try {
      return Long.parseLong(call.pathParam("id"));
    } catch (NumberFormatException e) {
      throw new DomainException.NotFound("no " + what + " " + call.pathParam("id"));
    }
  }

  private static String field(PageCall call, String name) {
    String v = call.form(name);
    return v == null || v.isBlank() ? null : v.strip();
  }

  /** Back to the service page the form was on, at its release, saying what happened. */
  static View back(PageCall call, String done, long finding) {
    String service = field(call, "service");
    if (service == null) {
      return View.redirect("/");
    }
    String release = field(call, "release");
    String to =
        release == null
            ? ServiceLinks.page(service) + "?"
            : ServiceLinks.release(service, release) + "&";
    return View.redirect(to + "done=" + done + (finding > 0 ? "#finding-" + finding : ""));
  }

  private static void check(Validation v) {
    if (!v.ok()) {
      throw new DomainException.Invalid(
          v.errors().stream()
              .map(e -> new DomainException.FieldError(e.field(), e.message()))
              .toList());
    }
  }

  private View transition(PageCall call) {
    long finding = id(call, "finding");
    var t =
        new FindingLifecycle.Transition(
            field(call, "state"),
            field(call, "reason"),
            "not_affected".equals(field(call, "state")) ? field(call, "justification") : null,
            field(call, "scope"));
    check(t.validate(""));
    return switch (lifecycle.transition(call.principal(), call.requestId(), finding, t)) {
      case FindingLifecycle.Applied a -> back(call, "transition", finding);
      case FindingLifecycle.Pending p -> back(call, "pending", finding);
    };
  }

  /** A date field ({@code YYYY-MM-DD}) as the start of that day, UTC. */
  static Instant day(String field, String value) {
    if (value == null) {
      return null;
    }
    try {
      return LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant();
    } catch (DateTimeParseException e) {
      throw new DomainException.Invalid(field, "must be a date, such as 2026-12-31");
    }
  }

  private View requestRisk(PageCall call) {
    long finding = id(call, "finding");
    var r =
        new FindingLifecycle.RiskRequest(
            field(call, "reason"), day("expiresAt", field(call, "expires")), field(call, "scope"));
    check(r.validate(""));
    lifecycle.requestRiskAcceptance(call.principal(), call.requestId(), finding, r);
    return back(call, "risk-requested", finding);
  }

  private View approveRisk(PageCall call) {
    var accepted =
        lifecycle.approve(call.principal(), call.requestId(), id(call, "risk acceptance request"));
    return back(call, "risk-accepted", accepted.finding());
  }

  private View approveTransition(PageCall call) {
    var d =
        lifecycle.decideTransition(
            call.principal(), call.requestId(), id(call, "transition request"), true, null);
    return back(call, "verdict-approved", d.finding());
  }

  private View rejectTransition(PageCall call) {
    var d =
        lifecycle.decideTransition(
            call.principal(),
            call.requestId(),
            id(call, "transition request"),
            false,
            field(call, "reason"));
    return back(call, "verdict-rejected", d.finding());
  }
}
