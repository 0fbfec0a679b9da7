-- The advisories a deployment's nodes hold in memory (docs/adr/0010): a sync raises the revision
-- and records a stamp of what it loaded; every other node polls this one row and, when the
-- revision moved, reloads its index from its own sources (it does not re-evaluate findings: the
-- syncing node did, in the database). One row, read by its primary key.
CREATE TABLE advisory_revision (
  id       INTEGER PRIMARY KEY CHECK (id = 1),
  revision BIGINT NOT NULL,
  stamp    TEXT NOT NULL,
  node     TEXT,
  at       BIGINT NOT NULL
);
INSERT INTO advisory_revision (id, revision, stamp, node, at) VALUES (1, 0, '', NULL, 0);
