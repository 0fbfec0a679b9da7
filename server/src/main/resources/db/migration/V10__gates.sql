-- Policy bundles: every version kept by digest, at most one active.
CREATE TABLE policy_bundles (
  id         ${id_pk},
  digest     TEXT NOT NULL UNIQUE,
  files      TEXT NOT NULL,
  policies   INTEGER NOT NULL,
  rules      INTEGER NOT NULL,
  pushed_by  TEXT NOT NULL,
  pushed_at  BIGINT NOT NULL,
  active     INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX policy_bundles_one_active ON policy_bundles (active) WHERE active = 1;

-- Gate decisions, each also on the ledger (ledger_index); results keep the explanation.
CREATE TABLE gate_decisions (
  id            ${id_pk},
  service       TEXT NOT NULL REFERENCES services (name) ON DELETE CASCADE,
  version       TEXT NOT NULL,
  digest        TEXT NOT NULL,
  environment   TEXT NOT NULL,
  decision      TEXT NOT NULL,
  bundle_digest TEXT NOT NULL,
  input_digest  TEXT NOT NULL,
  results       TEXT NOT NULL,
  waivers       TEXT NOT NULL,
  ledger_index  BIGINT NOT NULL,
  actor         TEXT NOT NULL,
  decided_at    BIGINT NOT NULL
);
CREATE INDEX gate_decisions_digest ON gate_decisions (service, digest, environment, id);

-- Waivers: requested, approved by someone else, revocable; never beyond their expiry.
CREATE TABLE waivers (
  id            ${id_pk},
  service       TEXT NOT NULL REFERENCES services (name) ON DELETE CASCADE,
  policy        TEXT NOT NULL,
  rule          TEXT NOT NULL,
  digest        TEXT,
  finding       TEXT,
  reason        TEXT NOT NULL,
  expires_at    BIGINT NOT NULL,
  requested_by  TEXT NOT NULL,
  requested_at  BIGINT NOT NULL,
  approved_by   TEXT,
  approved_at   BIGINT,
  revoked_by    TEXT,
  revoked_at    BIGINT,
  revoke_reason TEXT
);
CREATE INDEX waivers_service ON waivers (service, expires_at);

-- Attestations of a release: kept whether or not they verified, with the reason.
CREATE TABLE attestations (
  id                ${id_pk},
  release_id        BIGINT NOT NULL REFERENCES releases (id) ON DELETE CASCADE,
  payload_type      TEXT NOT NULL,
  predicate_type    TEXT NOT NULL,
  verified          INTEGER NOT NULL,
  reason            TEXT NOT NULL,
  key_name          TEXT,
  builder_id        TEXT NOT NULL,
  source_repository TEXT NOT NULL,
  materials         TEXT NOT NULL,
  envelope_sha256   TEXT NOT NULL,
  envelope          TEXT NOT NULL,
  received_by       TEXT NOT NULL,
  received_at       BIGINT NOT NULL,
  UNIQUE (release_id, envelope_sha256)
);

-- Security test reports (SARIF) per upload and tool, with result counts by severity.
CREATE TABLE sarif_uploads (
  id          ${id_pk},
  release_id  BIGINT NOT NULL REFERENCES releases (id) ON DELETE CASCADE,
  tool        TEXT NOT NULL,
  kind        TEXT NOT NULL,
  results     INTEGER NOT NULL,
  critical    INTEGER NOT NULL,
  high        INTEGER NOT NULL,
  medium      INTEGER NOT NULL,
  low         INTEGER NOT NULL,
  uploaded_at BIGINT NOT NULL
);
CREATE INDEX sarif_uploads_release ON sarif_uploads (release_id, tool, id);

-- Deployments: what runs where, each allowed by a gate decision for that digest and environment.
CREATE TABLE deployments (
  id          ${id_pk},
  service     TEXT NOT NULL REFERENCES services (name) ON DELETE CASCADE,
  version     TEXT NOT NULL,
  digest      TEXT NOT NULL,
  environment TEXT NOT NULL,
  decision_id BIGINT NOT NULL REFERENCES gate_decisions (id),
  deployed_by TEXT NOT NULL,
  deployed_at BIGINT NOT NULL
);
CREATE INDEX deployments_env ON deployments (environment, service, id);
