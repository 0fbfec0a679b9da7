package dev.bulwark.server.dashboard;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.bulwark.server.catalog.Area;
import dev.bulwark.server.catalog.Criticality;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Objects;

/**
 * The portfolio dashboard as the caller may see it (docs/dashboard.md): the newest daily snapshot
 * ({@code day}, recorded {@code asOf}; both null before the first), open findings by severity
 * portfolio-wide and per team, services by area and criticality against their tolerance, the trend
 * of the period {@code from}..{@code to}, the mean time to remediate by severity and the gate pass
 * rate per environment over the same period.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record Dashboard(
    LocalDate day,
    Instant asOf,
    LocalDate from,
    LocalDate to,
    Counts open,
    long overdue,
    List<Team> teams,
    List<Tolerance> tolerance,
    List<Day> trend,
    List<Remediation> remediation,
    List<Gate> gates) {
  public Dashboard {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(open, "open");
    teams = List.copyOf(teams);
    tolerance = List.copyOf(tolerance);
    trend = List.copyOf(trend);
    remediation = List.copyOf(remediation);
    gates = List.copyOf(gates);
    if (from.isAfter(to)) {
      throw new IllegalArgumentException("from after to");
    }
  }

  /**
   * One team on the snapshot's day: its services, how many of them breach their tolerance (have a
   * finding past its SLA), its open findings and how many of those are overdue.
   */
  public record Team(String team, long services, long breaching, Counts open, long overdue) {
    public Team {
      Objects.requireNonNull(team, "team");
      Objects.requireNonNull(open, "open");
    }
  }

  /**
   * The services of one area and criticality: {@code within} their tolerance (no finding past the
   * SLA that their criticality and area set), {@code breaching} it.
   */
  public record Tolerance(
      Area area, Criticality criticality, long services, long within, long breaching) {
    public Tolerance {
      Objects.requireNonNull(area, "area");
      Objects.requireNonNull(criticality, "criticality");
      if (within + breaching != services) {
        throw new IllegalArgumentException("within + breaching != services");
      }
    }
  }

  /** One recorded day of the trend. */
  public record Day(LocalDate day, Counts open, long overdue) {
    public Day {
      Objects.requireNonNull(day, "day");
      Objects.requireNonNull(open, "open");
    }
  }

  /**
   * The findings of one severity fixed in the period, and the mean days from first seen to fixed
   * (null when none was).
   */
  public record Remediation(String severity, long fixed, Double meanDays) {
    public Remediation {
      Objects.requireNonNull(severity, "severity");
    }
  }

  /** Gate decisions of the period in one environment; {@code passRate} is allowed / all. */
  public record Gate(String environment, long allowed, long denied, double passRate) {
    public Gate {
      Objects.requireNonNull(environment, "environment");
    }
  }
}
