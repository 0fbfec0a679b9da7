-- The foundation schema. One schema for SQLite and PostgreSQL; ${id_pk} is the only spelling
-- that differs. Times are epoch milliseconds (UTC).

CREATE TABLE services (
  name        TEXT PRIMARY KEY,
  team        TEXT NOT NULL,
  area        TEXT NOT NULL CHECK (area IN ('website', 'backend', 'data')),
  criticality TEXT NOT NULL CHECK (criticality IN ('low', 'medium', 'high', 'critical')),
  value       DOUBLE PRECISION,
  created_at  BIGINT NOT NULL,
  updated_at  BIGINT NOT NULL
);
CREATE INDEX services_team ON services (team);

CREATE TABLE tokens (
  id           TEXT PRIMARY KEY,
  name         TEXT NOT NULL,
  role         TEXT NOT NULL CHECK (role IN ('admin', 'security', 'ci', 'developer', 'auditor')),
  teams        TEXT NOT NULL,
  secret_hash  TEXT NOT NULL UNIQUE,
  created_at   BIGINT NOT NULL,
  created_by   TEXT NOT NULL,
  expires_at   BIGINT,
  revoked_at   BIGINT,
  last_used_at BIGINT
);

-- Append-only: the application never updates or deletes a row here.
CREATE TABLE audit_log (
  id            ${id_pk},
  at            BIGINT NOT NULL,
  actor         TEXT NOT NULL,
  action        TEXT NOT NULL,
  subject_kind  TEXT NOT NULL,
  subject_id    TEXT NOT NULL,
  request_id    TEXT NOT NULL,
  before_digest TEXT,
  after_digest  TEXT,
  payload       TEXT
);
CREATE INDEX audit_log_subject ON audit_log (subject_kind, subject_id);
