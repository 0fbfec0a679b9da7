-- The findings lifecycle: each finding's current state and why, every transition as an event,
-- risk acceptances that a security reviewer other than the requester approves, and decisions
-- that carry a not_affected or risk_accepted verdict over to later releases.

ALTER TABLE findings ADD COLUMN justification TEXT;
ALTER TABLE findings ADD COLUMN state_reason TEXT;
ALTER TABLE findings ADD COLUMN state_actor TEXT;
ALTER TABLE findings ADD COLUMN state_at BIGINT;
ALTER TABLE findings ADD COLUMN expires_at BIGINT;

CREATE TABLE finding_events (
  id            ${id_pk},
  finding_id    BIGINT NOT NULL REFERENCES findings (id) ON DELETE CASCADE,
  at            BIGINT NOT NULL,
  actor         TEXT NOT NULL,
  from_state    TEXT NOT NULL,
  to_state      TEXT NOT NULL,
  reason        TEXT NOT NULL,
  justification TEXT,
  expires_at    BIGINT
);
CREATE INDEX finding_events_finding ON finding_events (finding_id);

CREATE TABLE risk_requests (
  id           ${id_pk},
  finding_id   BIGINT NOT NULL REFERENCES findings (id) ON DELETE CASCADE,
  requested_by TEXT NOT NULL,
  requested_at BIGINT NOT NULL,
  reason       TEXT NOT NULL,
  expires_at   BIGINT NOT NULL,
  scope        TEXT NOT NULL CHECK (scope IN ('release', 'service', 'team')),
  status       TEXT NOT NULL CHECK (status IN ('pending', 'approved')),
  approved_by  TEXT,
  approved_at  BIGINT
);

CREATE TABLE decisions (
  id            ${id_pk},
  scope         TEXT NOT NULL CHECK (scope IN ('service', 'team')),
  scope_value   TEXT NOT NULL,
  ecosystem     TEXT NOT NULL,
  package       TEXT NOT NULL,
  vuln_ids      TEXT NOT NULL,
  state         TEXT NOT NULL CHECK (state IN ('not_affected', 'risk_accepted')),
  justification TEXT,
  reason        TEXT NOT NULL,
  expires_at    BIGINT,
  actor         TEXT NOT NULL,
  at            BIGINT NOT NULL
);
CREATE INDEX decisions_package ON decisions (ecosystem, package);
