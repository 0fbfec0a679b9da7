-- A digest's promotion history, one row per (service, digest, environment, event) with the time it
-- first happened: 'allowed' (first allowing gate decision) and 'deployed' (first deployment).
-- Gates read it on every question; aggregating gate_decisions instead grew with every decision
-- ever taken for the digest (CI re-running a gate thousands of times is normal).
CREATE TABLE promotions (
  service     TEXT NOT NULL REFERENCES services (name) ON DELETE CASCADE,
  digest      TEXT NOT NULL,
  environment TEXT NOT NULL,
  event       TEXT NOT NULL CHECK (event IN ('allowed', 'deployed')),
  first_at    BIGINT NOT NULL,
  PRIMARY KEY (service, digest, environment, event)
);

INSERT INTO promotions (service, digest, environment, event, first_at)
SELECT service, digest, environment, 'allowed', MIN(decided_at) FROM gate_decisions
WHERE decision = 'allow' GROUP BY service, digest, environment;

INSERT INTO promotions (service, digest, environment, event, first_at)
SELECT service, digest, environment, 'deployed', MIN(deployed_at) FROM deployments
GROUP BY service, digest, environment;

-- A decision's explanation (every rule with its outcome and the values it read) is kept once, in
-- the after state of its ledger entry (gate_decisions.ledger_index); a second copy here doubled
-- what every gate writes.
ALTER TABLE gate_decisions DROP COLUMN results;
