package dev.bulwark.server.notify;

import java.time.Instant;
import java.util.List;

/**
 * The open findings past their SLA, of every team: what the dispatcher raises {@code sla.breach}
 * events for. The findings side implements it, so that notifications know nothing of releases.
 */
@FunctionalInterface
public interface OverdueFindings {
  /** One overdue finding, as an {@code sla.breach} event describes it. */
  record Overdue(
      String service,
      String team,
      String version,
      String id,
      String severity,
      String purl,
      Instant due,
      long daysOverdue,
      long findingId) {}

  List<Overdue> overdue();
}
