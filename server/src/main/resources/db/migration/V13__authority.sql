-- People, not tokens: every token stands for a subject (a person or a machine), and separation of
-- duties compares subjects, never token ids. minted_by is the subject of the principal that issued
-- the token: whoever minted a token may not approve what it requests, nor the other way round.
-- Tokens from before keep distinct subjects (token:<id>), the bootstrap token stands for 'admin'.
ALTER TABLE tokens ADD COLUMN subject TEXT;
ALTER TABLE tokens ADD COLUMN minted_by TEXT;
UPDATE tokens SET subject = CASE WHEN id = 'tok_bootstrap' THEN 'admin' ELSE 'token:' || id END;
UPDATE tokens SET minted_by = CASE
  WHEN created_by LIKE 'oidc:%' THEN LOWER(SUBSTR(created_by, 6))
  WHEN created_by LIKE 'token:%' THEN
    (SELECT m.subject FROM tokens m WHERE 'token:' || m.id = tokens.created_by)
  ELSE NULL END;

-- Requests that a second person approves keep the requester's subject and minter; approvals keep
-- the approver's subject. Old rows: the actor was the only identity there was (an OIDC actor
-- stands for its sub claim, in the lower case subjects are compared in).
ALTER TABLE waivers ADD COLUMN requested_subject TEXT;
ALTER TABLE waivers ADD COLUMN requested_minter TEXT;
ALTER TABLE waivers ADD COLUMN approved_subject TEXT;
UPDATE waivers SET requested_subject = CASE
  WHEN requested_by LIKE 'oidc:%' THEN LOWER(SUBSTR(requested_by, 6)) ELSE requested_by END;
UPDATE waivers SET approved_subject = CASE
  WHEN approved_by LIKE 'oidc:%' THEN LOWER(SUBSTR(approved_by, 6)) ELSE approved_by END
WHERE approved_by IS NOT NULL;

ALTER TABLE risk_requests ADD COLUMN requested_subject TEXT;
ALTER TABLE risk_requests ADD COLUMN requested_minter TEXT;
ALTER TABLE risk_requests ADD COLUMN approved_subject TEXT;
UPDATE risk_requests SET requested_subject = CASE
  WHEN requested_by LIKE 'oidc:%' THEN LOWER(SUBSTR(requested_by, 6)) ELSE requested_by END;
UPDATE risk_requests SET approved_subject = CASE
  WHEN approved_by LIKE 'oidc:%' THEN LOWER(SUBSTR(approved_by, 6)) ELSE approved_by END
WHERE approved_by IS NOT NULL;

-- A not_affected or fixed verdict by hand on a service of a configured criticality (or carried
-- over team-wide) waits here for a second person.
CREATE TABLE transition_requests (
  id                ${id_pk},
  finding_id        BIGINT NOT NULL REFERENCES findings (id) ON DELETE CASCADE,
  to_state          TEXT NOT NULL CHECK (to_state IN ('not_affected', 'fixed')),
  justification     TEXT,
  reason            TEXT NOT NULL,
  scope             TEXT NOT NULL CHECK (scope IN ('release', 'service', 'team')),
  requested_by      TEXT NOT NULL,
  requested_subject TEXT NOT NULL,
  requested_minter  TEXT,
  requested_at      BIGINT NOT NULL,
  status            TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
  decided_by        TEXT,
  decided_subject   TEXT,
  decided_at        BIGINT
);
CREATE INDEX transition_requests_finding ON transition_requests (finding_id);

-- Policy bundles in layers: team NULL is the global bundle, otherwise the bundle applies to that
-- team's services only, under the global one. A push is pending until a second person approves
-- it; at most one active bundle per layer. The same files may be pushed to several layers, so the
-- digest is unique per layer only. A bundle active before this migration stays active: it was
-- activated under the rules of its time, and the ledger holds who pushed it. Ids are renumbered
-- (nothing refers to them; decisions name bundles by digest).
CREATE TABLE policy_bundles_v13 (
  id              ${id_pk},
  digest          TEXT NOT NULL,
  team            TEXT,
  files           TEXT NOT NULL,
  policies        INTEGER NOT NULL,
  rules           INTEGER NOT NULL,
  pushed_by       TEXT NOT NULL,
  pushed_subject  TEXT NOT NULL,
  pushed_minter   TEXT,
  pushed_at       BIGINT NOT NULL,
  status          TEXT NOT NULL CHECK (status IN ('pending', 'active', 'superseded', 'rejected')),
  decided_by      TEXT,
  decided_subject TEXT,
  decided_at      BIGINT,
  decide_reason   TEXT,
  active          INTEGER NOT NULL DEFAULT 0
);
INSERT INTO policy_bundles_v13 (digest, team, files, policies, rules, pushed_by,
  pushed_subject, pushed_minter, pushed_at, status, active)
SELECT digest, NULL, files, policies, rules, pushed_by,
  CASE WHEN pushed_by LIKE 'oidc:%' THEN LOWER(SUBSTR(pushed_by, 6)) ELSE pushed_by END, NULL, pushed_at,
  CASE WHEN active = 1 THEN 'active' ELSE 'superseded' END, active
FROM policy_bundles ORDER BY id;
DROP TABLE policy_bundles;
ALTER TABLE policy_bundles_v13 RENAME TO policy_bundles;
CREATE UNIQUE INDEX policy_bundles_layer_digest ON policy_bundles (COALESCE(team, ''), digest);
CREATE UNIQUE INDEX policy_bundles_one_active ON policy_bundles (COALESCE(team, ''))
WHERE active = 1;

-- A decision names the team bundle it also evaluated, if the service's team had one.
ALTER TABLE gate_decisions ADD COLUMN team_bundle_digest TEXT;
