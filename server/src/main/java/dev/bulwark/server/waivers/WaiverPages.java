package dev.bulwark.server.waivers;

import dev.bulwark.server.auth.Permission;
import dev.bulwark.server.auth.Principal;
import dev.bulwark.server.console.ConsolePage;
import dev.bulwark.server.console.PageCall;
import dev.bulwark.server.console.View;
import dev.bulwark.server.errors.DomainException;
import java.util.List;

/**
 * The console's waiver pages: the list with a request form, and approval and revocation, through
 * the same {@link Waivers} service as the API (so a waiver is approved by another person here as
 * there).
 */
public final class WaiverPages {
  private final Waivers waivers;

  WaiverPages(Waivers waivers) {
    this.waivers = waivers;
  }

  /** The waivers page. */
  public record Model(
      String service,
      List<Waivers.View> waivers,
      java.util.Map<Long, Waivers.OnLedger> ledger,
      boolean mayRequest,
      boolean mayApprove) {
    /** Where a waiver stands on the ledger; all null when no entry was found. */
    public Waivers.OnLedger ledgerOf(long id) {
      return ledger.getOrDefault(id, NOT_ON_LEDGER);
    }
  }

  private static final Waivers.OnLedger NOT_ON_LEDGER = new Waivers.OnLedger(null, null, null);

  List<ConsolePage> pages() {
    return List.of(
        ConsolePage.get(
                "/waivers",
                Permission.SERVICE_READ,
                call ->
                    View.page(
                        "waivers/waivers.jte", model(call.principal(), call.query("service"))))
            .inNav("Waivers", 60),
        ConsolePage.form(
            "/waivers",
            Permission.WAIVER_REQUEST,
            call -> {
              Waivers.View w =
                  waivers.request(
                      call.principal(),
                      call.requestId(),
                      request(
                          call.form("service"),
                          call.form("policy"),
                          call.form("rule"),
                          call.form("digest"),
                          call.form("finding"),
                          call.form("reason"),
                          call.form("expires")));
              return View.redirect("/waivers#waiver-" + w.id(), FLASH.get(w.state()));
            }),
        ConsolePage.form(
            "/waivers/{id}/approve",
            Permission.WAIVER_APPROVE,
            call -> {
              Waivers.View w = waivers.approve(call.principal(), call.requestId(), id(call));
              return View.redirect("/waivers#waiver-" + w.id(), FLASH.get(w.state()));
            }),
        ConsolePage.form(
            "/waivers/{id}/revoke",
            Permission.WAIVER_APPROVE,
            call -> {
              Waivers.View w =
                  waivers.revoke(
                      call.principal(),
                      call.requestId(),
                      id(call),
                      blankToNull(call.form("reason")));
              return View.redirect("/waivers#waiver-" + w.id(), FLASH.get(w.state()));
            }));
  }

  /** What the page says after a form, by the waiver's state then. */
  private static final java.util.Map<String, String> FLASH =
      java.util.Map.of(
          "requested", "Waiver requested: another person approves it.",
          "approved", "Waiver approved.",
          "revoked", "Waiver revoked.",
          "expired", "The waiver has expired.");

  private static long id(PageCall call) {
    try {
      return Long.parseLong(call.pathParam("id"));
    } catch (NumberFormatException e) {
      throw new DomainException.NotFound("no waiver " + call.pathParam("id"));
    }
  }

  Model model(Principal caller, String service) {
    String s = service == null || service.isBlank() ? null : service.strip();
    List<Waivers.View> shown = waivers.list(caller, s);
    return new Model(
        s,
        shown,
        waivers.onLedger(caller, shown),
        caller.role().may(Permission.WAIVER_REQUEST),
        caller.role().may(Permission.WAIVER_APPROVE));
  }

  /**
   * A waiver request from the form: a date input gives {@code YYYY-MM-DD}, which the waiver expires
   * at the start of (UTC); anything else goes to the service as typed, to be refused there.
   */
  static Waivers.Request request(
      String service,
      String policy,
      String rule,
      String digest,
      String finding,
      String reason,
      String expires) {
    return new Waivers.Request(
        blankToNull(service),
        blankToNull(policy),
        blankToNull(rule),
        blankToNull(digest),
        blankToNull(finding),
        blankToNull(reason),
        day(blankToNull(expires)));
  }

  static String day(String expires) {
    return expires != null && expires.matches("\\d{4}-\\d{2}-\\d{2}")
        ? expires + "T00:00:00Z"
        : expires;
  }

  static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }
}
