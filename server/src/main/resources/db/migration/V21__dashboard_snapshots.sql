-- The dashboard's daily snapshots (issue 16): per service and UTC day, its open findings by
-- severity and how many are past their SLA, with the team, area and criticality the service had
-- that day (a team sees the history of what it owned then); per team and day the same summed, so a
-- trend over months reads a few hundred rows, not one per service and day; per service,
-- environment and day the gate decisions allowed and denied. A day is recorded again while it
-- lasts (the rows are replaced), so recording is idempotent per day, and a past day can be
-- rebuilt from the findings' events (the demo backfills so).
CREATE TABLE dashboard_days (
  day         TEXT PRIMARY KEY,
  recorded_at BIGINT NOT NULL
);

CREATE TABLE dashboard_service_days (
  day         TEXT NOT NULL,
  service_id  BIGINT NOT NULL REFERENCES service_records (id),
  team        TEXT NOT NULL,
  area        TEXT NOT NULL,
  criticality TEXT NOT NULL,
  critical    INTEGER NOT NULL,
  high        INTEGER NOT NULL,
  medium      INTEGER NOT NULL,
  low         INTEGER NOT NULL,
  unknown     INTEGER NOT NULL,
  overdue     INTEGER NOT NULL,
  PRIMARY KEY (day, service_id)
);
CREATE INDEX dashboard_service_days_team ON dashboard_service_days (team, day);

CREATE TABLE dashboard_team_days (
  day         TEXT NOT NULL,
  team        TEXT NOT NULL,
  services    INTEGER NOT NULL,
  breaching   INTEGER NOT NULL,
  critical    INTEGER NOT NULL,
  high        INTEGER NOT NULL,
  medium      INTEGER NOT NULL,
  low         INTEGER NOT NULL,
  unknown     INTEGER NOT NULL,
  overdue     INTEGER NOT NULL,
  PRIMARY KEY (day, team)
);

CREATE TABLE dashboard_gate_days (
  day         TEXT NOT NULL,
  service_id  BIGINT NOT NULL REFERENCES service_records (id),
  team        TEXT NOT NULL,
  environment TEXT NOT NULL,
  allowed     INTEGER NOT NULL,
  denied      INTEGER NOT NULL,
  PRIMARY KEY (day, service_id, environment)
);

-- A day's gate decisions and the fixes of a period are read by time.
CREATE INDEX gate_decisions_decided ON gate_decisions (decided_at);
CREATE INDEX finding_events_to_state ON finding_events (to_state, at);
