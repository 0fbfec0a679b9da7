-- The tamper-evident ledger (RFC 9162). ${int_pk} and ${without_rowid} let SQLite store each
-- table in one B-tree; PostgreSQL spells them as an ordinary primary key. Entries are the leaves, in index order, as the canonical
-- JSON that is hashed. Nodes are the perfect-subtree hashes, derived from the entries by the
-- ledger writer; checkpoints are signed notes over (size, root). The append-only audit_log table of
-- the foundation is no longer written; the ledger replaces it.

CREATE TABLE ledger_entries (
  idx          ${int_pk},
  entry        TEXT NOT NULL,
  subject_kind TEXT NOT NULL,
  subject_id   TEXT NOT NULL,
  service      TEXT,
  at           BIGINT NOT NULL,
  payload      TEXT
);
CREATE INDEX ledger_entries_subject ON ledger_entries (subject_kind, subject_id);
CREATE INDEX ledger_entries_service ON ledger_entries (service, idx);

CREATE TABLE ledger_nodes (
  level INTEGER NOT NULL,
  idx   BIGINT NOT NULL,
  hash  ${blob} NOT NULL,
  PRIMARY KEY (level, idx)
) ${without_rowid};

CREATE TABLE ledger_checkpoints (
  size BIGINT PRIMARY KEY,
  at   BIGINT NOT NULL,
  note TEXT NOT NULL
);

-- 'size': entries appended (the next index); 'hashed': entries folded into ledger_nodes.
-- Two rows, so appends and the writer lock different rows on PostgreSQL.
CREATE TABLE ledger_state (
  name  TEXT PRIMARY KEY,
  value BIGINT NOT NULL
);
INSERT INTO ledger_state (name, value) VALUES ('size', 0);
INSERT INTO ledger_state (name, value) VALUES ('hashed', 0);
