package dev.bulwark.server.dashboard;

import dev.bulwark.server.auth.Principal;
import dev.bulwark.server.catalog.Area;
import dev.bulwark.server.catalog.Criticality;
import dev.bulwark.server.db.Database;
import dev.bulwark.server.findings.SlaPolicy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The dashboard: daily snapshots of the portfolio (recorded by {@link SnapshotJob}, rebuilt for
 * past days by {@link #backfill}) and what a caller reads of them. Days are UTC days of the
 * server's clock. No SQL here: {@link DashboardDao}.
 */
public final class Dashboards {
  /** The longest period a caller may ask for. */
  public static final int MAX_DAYS = 366;

  public static final int DEFAULT_DAYS = 30;

  private static final List<String> SEVERITIES =
      List.of("critical", "high", "medium", "low", "unknown");

  private final Database db;
  private final SlaPolicy sla;
  private final Clock clock;
  private final DashboardDao dao = new DashboardDao();

  public Dashboards(Database db, SlaPolicy sla, Clock clock) {
    this.db = db;
    this.sla = sla;
    this.clock = clock;
  }

  static LocalDate dayOf(Instant at) {
    return LocalDate.ofInstant(at, ZoneOffset.UTC);
  }

  /** Today, the UTC day of the server's clock. */
  public LocalDate today() {
    return dayOf(clock.instant());
  }

  /** Records today as it is now (again, if it was recorded earlier today). */
  public void recordToday() {
    record(today());
  }

  /**
   * Records today as it is now unless today already has a snapshot: the snapshots are daily, and
   * aggregating a large portfolio again gains nothing. True when it recorded.
   */
  boolean recordTodayIfMissing() {
    LocalDate today = today();
    if (db.jdbi().withHandle(h -> dao.recorded(h, today))) {
      return false;
    }
    record(today);
    return true;
  }

  /**
   * Records {@code day}: today as of now, a past day as of its end (its findings' states rebuilt
   * from their events). Recording a day again replaces its rows, so it is idempotent; one record at
   * a time per node, so a slower one cannot overwrite a newer one with older counts. The services'
   * team, area and criticality are today's: the catalog keeps no history of them.
   */
  public synchronized void record(LocalDate day) {
    Instant now = clock.instant();
    LocalDate today = dayOf(now);
    if (day.isAfter(today)) {
      throw new IllegalArgumentException("cannot record " + day + ", after today " + today);
    }
    Instant start = day.atStartOfDay(ZoneOffset.UTC).toInstant();
    // Exclusive: what happened at the clock's current millisecond is in today's snapshot.
    Instant end = day.equals(today) ? now.plusMillis(1) : start.plus(Duration.ofDays(1));
    record Read(
        List<DashboardDao.ServiceRow> services,
        List<DashboardDao.OpenGroup> open,
        List<DashboardDao.GateRow> gates) {}
    Read read =
        db.jdbi()
            .withHandle(
                h ->
                    new Read(
                        dao.servicesAt(h, end),
                        dao.openAt(h, end),
                        dao.gatesBetween(h, start, end)));
    Map<Long, DashboardDao.ServiceRow> byId = new HashMap<>();
    for (DashboardDao.ServiceRow s : read.services()) {
      byId.put(s.id(), s);
    }
    Map<Long, Counts> open = new HashMap<>();
    Map<Long, Long> overdue = new HashMap<>();
    for (DashboardDao.OpenGroup g : read.open()) {
      DashboardDao.ServiceRow s = byId.get(g.serviceId());
      if (s == null) {
        continue; // archived since: the snapshot is of live services
      }
      open.merge(g.serviceId(), Counts.ZERO.plus(g.severity(), g.count()), Counts::plus);
      Instant due =
          g.firstSeen()
              .plus(
                  sla.due(
                      g.severity(), Criticality.valueOf(s.criticality()), Area.valueOf(s.area())));
      if (end.isAfter(due)) {
        overdue.merge(g.serviceId(), g.count(), Long::sum);
      }
    }
    List<DashboardDao.ServiceDay> rows = new ArrayList<>();
    for (DashboardDao.ServiceRow s : read.services()) {
      rows.add(
          new DashboardDao.ServiceDay(
              s, open.getOrDefault(s.id(), Counts.ZERO), overdue.getOrDefault(s.id(), 0L)));
    }
    db.writes()
        .inTransaction(
            h -> {
              dao.replaceDay(h, day, now, rows, read.gates());
              return null;
            });
  }

  /**
   * Records every day from {@code from} to {@code to} (at most today) that has no snapshot yet, as
   * of each day's end; returns how many it recorded.
   */
  public int backfill(LocalDate from, LocalDate to) {
    LocalDate last = to.isAfter(today()) ? today() : to;
    int n = 0;
    for (LocalDate d = from; !d.isAfter(last); d = d.plusDays(1)) {
      LocalDate day = d;
      if (!db.jdbi().withHandle(h -> dao.recorded(h, day))) {
        record(day);
        n++;
      }
    }
    return n;
  }

  /** The dashboard of the last {@code days} days (today included) as {@code caller} may see it. */
  public Dashboard read(Principal caller, int days) {
    if (days < 1 || days > MAX_DAYS) {
      throw new IllegalArgumentException("days out of range: " + days);
    }
    Instant now = clock.instant();
    LocalDate to = dayOf(now);
    LocalDate from = to.minusDays(days - 1L);
    Instant fromAt = from.atStartOfDay(ZoneOffset.UTC).toInstant();
    return db.jdbi()
        .withHandle(
            h -> {
              var latest = dao.latest(h, to);
              List<Dashboard.Team> teams =
                  latest.map(l -> dao.teams(h, caller, l.day())).orElse(List.of());
              Counts open = Counts.ZERO;
              long overdue = 0;
              for (Dashboard.Team t : teams) {
                open = open.plus(t.open());
                overdue += t.overdue();
              }
              Map<String, DashboardDao.ToleranceRow> cells = new HashMap<>();
              latest.ifPresent(
                  l -> {
                    for (DashboardDao.ToleranceRow r : dao.tolerance(h, caller, l.day())) {
                      cells.put(r.area() + "/" + r.criticality(), r);
                    }
                  });
              List<Dashboard.Tolerance> tolerance = new ArrayList<>();
              for (Area a : Area.values()) {
                for (Criticality c : Criticality.values()) {
                  var r = cells.get(a + "/" + c);
                  long services = r == null ? 0 : r.services();
                  long breaching = r == null ? 0 : r.breaching();
                  tolerance.add(
                      new Dashboard.Tolerance(a, c, services, services - breaching, breaching));
                }
              }
              // Every recorded day is a point, zero where none of the caller's teams had a row.
              Map<LocalDate, Dashboard.Day> points = new HashMap<>();
              for (Dashboard.Day d : dao.trend(h, caller, from, to)) {
                points.put(d.day(), d);
              }
              List<Dashboard.Day> trend = new ArrayList<>();
              for (LocalDate d : dao.days(h, from, to)) {
                trend.add(points.getOrDefault(d, new Dashboard.Day(d, Counts.ZERO, 0)));
              }
              Map<String, long[]> fixes = new HashMap<>();
              Map<String, Double> sums = new HashMap<>();
              for (DashboardDao.Fixes f : dao.fixes(h, caller, fromAt, now.plusMillis(1))) {
                String sev = bucket(f.severity());
                long[] n = fixes.computeIfAbsent(sev, k -> new long[1]);
                n[0] += f.fixed();
                sums.merge(sev, f.meanMillis() * f.fixed(), Double::sum);
              }
              List<Dashboard.Remediation> remediation = new ArrayList<>();
              for (String sev : SEVERITIES) {
                long n = fixes.containsKey(sev) ? fixes.get(sev)[0] : 0;
                remediation.add(
                    new Dashboard.Remediation(
                        sev, n, n == 0 ? null : round(sums.get(sev) / n / 86_400_000d)));
              }
              List<Dashboard.Gate> gates = new ArrayList<>();
              for (DashboardDao.GateTotal g : dao.gates(h, caller, from, to)) {
                long all = g.allowed() + g.denied();
                gates.add(
                    new Dashboard.Gate(
                        g.environment(),
                        g.allowed(),
                        g.denied(),
                        all == 0 ? 0 : round((double) g.allowed() / all)));
              }
              return new Dashboard(
                  latest.map(DashboardDao.Recorded::day).orElse(null),
                  latest.map(DashboardDao.Recorded::at).orElse(null),
                  from,
                  to,
                  open,
                  overdue,
                  teams,
                  tolerance,
                  trend,
                  remediation,
                  gates);
            });
  }

  /** The severity bucket a stored severity counts in (as {@link Counts#plus(String, long)}). */
  static String bucket(String severity) {
    Counts c = Counts.ZERO.plus(severity, 1);
    return c.critical() > 0
        ? "critical"
        : c.high() > 0 ? "high" : c.medium() > 0 ? "medium" : c.low() > 0 ? "low" : "unknown";
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }
}
