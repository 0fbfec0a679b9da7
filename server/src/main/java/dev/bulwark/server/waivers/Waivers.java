package dev.bulwark.server.waivers;

import dev.bulwark.server.audit.Affects;
import dev.bulwark.server.audit.AuditLog;
import dev.bulwark.server.auth.Principal;
import dev.bulwark.server.db.Database;
import dev.bulwark.server.errors.DomainException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Waivers: an exception to one rule for one service (optionally one digest or one finding), with a
 * reason and an expiry no later than {@code waiver.maxDays}. Requested by one person, approved by
 * another with the security role; revocable; never applied once expired or revoked.
 */
public final class Waivers {
  private final Database db;
  private final AuditLog audit;
  private final Clock clock;
  private final int maxDays;
  private final WaiverDao dao = new WaiverDao();

  public Waivers(Database db, AuditLog audit, Clock clock, int maxDays) {
    this.db = db;
    this.audit = audit;
    this.clock = clock;
    this.maxDays = maxDays;
  }

  public record Request(
      String service,
      String policy,
      String rule,
      String digest,
      String finding,
      String reason,
      String expires) {}

  /** A waiver as the API shows it, with its state. */
  public record View(
      long id,
      String service,
      String policy,
      String rule,
      String digest,
      String finding,
      String reason,
      Instant expires,
      String state,
      String requestedBy,
      Instant requestedAt,
      String approvedBy,
      Instant approvedAt,
      String revokedBy,
      Instant revokedAt,
      String revokeReason,
      String requestedSubject,
      String approvedSubject) {}

  View view(WaiverDao.Waiver w) {
    Instant now = clock.instant();
    String state =
        w.revokedAt() != null
            ? "revoked"
            : !now.isBefore(w.expiresAt())
                ? "expired"
                : w.approvedBy() == null ? "requested" : "approved";
    return new View(
        w.id(),
        w.service(),
        w.policy(),
        w.rule(),
        w.digest(),
        w.finding(),
        w.reason(),
        w.expiresAt(),
        state,
        w.requestedBy(),
        w.requestedAt(),
        w.approvedBy(),
        w.approvedAt(),
        w.revokedBy(),
        w.revokedAt(),
        w.revokeReason(),
        w.requestedSubject(),
        w.approvedSubject());
  }

  public View request(Principal caller, String requestId, Request r) {
    List<DomainException.FieldError> errors = new ArrayList<>();
    required(errors, "service", r.service());
    required(errors, "policy", r.policy());
    required(errors, "rule", r.rule());
    required(errors, "reason", r.reason());
    required(errors, "expires", r.expires());
    if (r.digest() != null && !r.digest().matches("sha256:[0-9a-f]{64}")) {
      errors.add(new DomainException.FieldError("digest", "must be sha256:<64 lowercase hex>"));
    }
    if (r.reason() != null && r.reason().length() > 2000) {
      errors.add(new DomainException.FieldError("reason", "at most 2000 characters"));
    }
    Instant now = clock.instant();
    Instant expires = null;
    if (r.expires() != null) {
      try {
        expires = Instant.parse(r.expires());
        if (!expires.isAfter(now)) {
          errors.add(new DomainException.FieldError("expires", "must be in the future"));
        } else if (expires.isAfter(now.plus(Duration.ofDays(maxDays)))) {
          errors.add(
              new DomainException.FieldError(
                  "expires", "at most " + maxDays + " days ahead (waiver.maxDays)"));
        }
      } catch (DateTimeParseException e) {
        errors.add(
            new DomainException.FieldError(
                "expires", "must be an RFC 3339 UTC time, such as 2026-12-31T00:00:00Z"));
      }
    }
    if (!errors.isEmpty()) {
      throw new DomainException.Invalid(errors);
    }
    Instant exp = expires;
    return db.writes()
        .inTransaction(
            h -> {
              WaiverDao.ServiceRef service =
                  dao.service(h, caller, r.service())
                      .orElseThrow(
                          () -> new DomainException.NotFound("no service '" + r.service() + "'"));
              // A team bundle's rule is named <team>:<policy>; a waiver of one for a service of
              // another team could never apply, and would only confuse a reader of the ledger.
              int colon = r.policy().indexOf(':');
              if (colon >= 0 && !r.policy().substring(0, colon).equals(service.team())) {
                throw new DomainException.Invalid(
                    "policy",
                    "a team bundle's policy is named "
                        + service.team()
                        + ":<policy> for this service (its team)");
              }
              long id =
                  dao.insert(
                      h,
                      service.id(),
                      r.policy(),
                      r.rule(),
                      r.digest(),
                      r.finding(),
                      r.reason(),
                      exp.toEpochMilli(),
                      caller,
                      now.toEpochMilli());
              WaiverDao.Waiver w = dao.waiver(h, caller, id).orElseThrow();
              audit.record(
                  h, caller, requestId, "waiver.request", subject(w), null, view(w), affects(w));
              return view(w);
            });
  }

  private static void required(List<DomainException.FieldError> errors, String field, String v) {
    if (v == null || v.isBlank()) {
      errors.add(new DomainException.FieldError(field, "is required"));
    }
  }

  /**
   * A gate reads the service's usable waivers with every question, beside its cached input; naming
   * the service keeps the cache right should a later input read waivers too.
   */
  private static Affects affects(WaiverDao.Waiver w) {
    return Affects.service(w.serviceId());
  }

  static Map<String, String> subject(WaiverDao.Waiver w) {
    Map<String, String> s = new LinkedHashMap<>();
    s.put("kind", "waiver");
    s.put("id", Long.toString(w.id()));
    s.put("service", w.service());
    s.put("rule", w.policy() + "/" + w.rule());
    if (w.digest() != null) {
      s.put("digest", w.digest());
    }
    return s;
  }

  /**
   * Approves a requested waiver; the approver may not be its requester (403): not the same subject
   * through another token, nor the subject that minted the requester's token or minted the
   * approver's.
   */
  public View approve(Principal caller, String requestId, long id) {
    return db.writes()
        .inTransaction(
            h -> {
              WaiverDao.Waiver w =
                  dao.waiver(h, caller, id)
                      .orElseThrow(() -> new DomainException.NotFound("no waiver " + id));
              if (w.requestedBy().equals(caller.actor())
                  || caller.samePersonAs(w.requestedSubject(), w.requestedMinter())) {
                throw new DomainException.Forbidden(
                    "a waiver is approved by someone other than its requester (subject "
                        + w.requestedSubject()
                        + ")");
              }
              if (dao.approve(h, id, caller, clock.millis()) == 0) {
                throw new DomainException.Conflict(
                    "waiver " + id + " is " + view(w).state() + ", not requested");
              }
              WaiverDao.Waiver after = dao.waiver(h, caller, id).orElseThrow();
              audit.record(
                  h,
                  caller,
                  requestId,
                  "waiver.approve",
                  subject(after),
                  view(w),
                  view(after),
                  affects(w));
              return view(after);
            });
  }

  public View revoke(Principal caller, String requestId, long id, String reason) {
    if (reason == null || reason.isBlank()) {
      throw new DomainException.Invalid("reason", "is required");
    }
    return db.writes()
        .inTransaction(
            h -> {
              WaiverDao.Waiver w =
                  dao.waiver(h, caller, id)
                      .orElseThrow(() -> new DomainException.NotFound("no waiver " + id));
              if (dao.revoke(h, id, caller.actor(), clock.millis(), reason) == 0) {
                throw new DomainException.Conflict("waiver " + id + " is revoked already");
              }
              WaiverDao.Waiver after = dao.waiver(h, caller, id).orElseThrow();
              audit.record(
                  h,
                  caller,
                  requestId,
                  "waiver.revoke",
                  subject(after),
                  view(w),
                  view(after),
                  affects(w));
              return view(after);
            });
  }

  /**
   * Where a waiver stands on the ledger: the index of the entry that recorded its request, its
   * approval and its revocation, each null when there is none.
   */
  public record OnLedger(Long request, Long approval, Long revocation) {
    public OnLedger {
      for (Long i : new Long[] {request, approval, revocation}) {
        if (i != null && i < 0) {
          throw new IllegalArgumentException("a ledger index is not negative: " + i);
        }
      }
    }
  }

  /** The ledger entries of these waivers (as {@link #list} gave them), by waiver id. */
  public Map<Long, OnLedger> onLedger(Principal caller, List<View> shown) {
    List<Long> ids = shown.stream().map(View::id).toList();
    Map<Long, Long[]> found = new LinkedHashMap<>();
    for (WaiverDao.LedgerRow r : db.jdbi().withHandle(h -> dao.ledgerEntries(h, caller, ids))) {
      String action =
          dev.bulwark.ledger.LedgerEntry.parse(
                  r.canonical().getBytes(java.nio.charset.StandardCharsets.UTF_8))
              .action();
      int slot =
          switch (action) {
            case "waiver.request" -> 0;
            case "waiver.approve" -> 1;
            case "waiver.revoke" -> 2;
            default -> -1;
          };
      if (slot >= 0) {
        // The first entry of each kind: a waiver is requested, approved and revoked once.
        Long[] at = found.computeIfAbsent(r.waiver(), w -> new Long[3]);
        if (at[slot] == null) {
          at[slot] = r.index();
        }
      }
    }
    Map<Long, OnLedger> out = new LinkedHashMap<>();
    found.forEach((id, at) -> out.put(id, new OnLedger(at[0], at[1], at[2])));
    return out;
  }

  public List<View> list(Principal caller, String service) {
    return db.jdbi()
        .withHandle(h -> dao.waivers(h, caller, service).stream().map(this::view).toList());
  }
}
