package dev.bulwark.server.waivers;

import dev.bulwark.server.auth.Permission;
import dev.bulwark.server.auth.Principal;
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
      String service, List<Waivers.View> waivers, boolean mayRequest, boolean mayApprove) {}

  Model model(Principal caller, String service) {
    String s = service == null || service.isBlank() ? null : service.strip();
    return new Model(
        s,
        waivers.list(caller, s),
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
