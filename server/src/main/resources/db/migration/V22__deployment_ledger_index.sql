-- Evidence reports (issue 16) show each sampled deployment's ledger entry with its inclusion proof:
-- a deployment keeps the index of the entry that recorded it, written in the same transaction.
-- Rows from before: the first deployment entry of the same subject at or after the deployment's
-- time (the entry is written after the row's time is taken, in the same transaction). Two
-- deployments of one release to one environment within the same millisecond could swap entries;
-- both entries then say the same thing.
ALTER TABLE deployments ADD COLUMN ledger_index BIGINT;
UPDATE deployments SET ledger_index = (
  SELECT MIN(e.idx) FROM ledger_entries e
  WHERE e.subject_kind = 'deployment'
    AND e.subject_id = (SELECT s.name FROM service_records s WHERE s.id = deployments.service_id)
      || '@' || deployments.version || '/' || deployments.environment
    AND e.at >= deployments.deployed_at);
-- The population of a report is every deployment to one environment in a period.
CREATE INDEX deployments_period ON deployments (environment, deployed_at);
