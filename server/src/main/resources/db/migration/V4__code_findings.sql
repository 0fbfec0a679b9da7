-- Findings of kind "code" from SAST and DAST tools (SARIF 2.1.0 uploads), one per release, tool
-- and fingerprint: the same result uploaded again is recognized, not counted twice.
CREATE TABLE code_findings (
  id          ${id_pk},
  release_id  BIGINT NOT NULL REFERENCES releases (id) ON DELETE CASCADE,
  tool        TEXT NOT NULL,
  rule_id     TEXT NOT NULL,
  level       TEXT NOT NULL,
  message     TEXT NOT NULL,
  uri         TEXT,
  start_line  INTEGER,
  fingerprint TEXT NOT NULL,
  first_seen  BIGINT NOT NULL,
  UNIQUE (release_id, tool, fingerprint)
);
