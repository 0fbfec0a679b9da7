-- Scheduled jobs shared by every node of one database: a node runs a job only after claiming its
-- row with a conditional update, so two nodes never run the same job at once, and a node that
-- dies mid-job leaves a lease that runs out.
CREATE TABLE jobs (
  name         TEXT PRIMARY KEY,
  locked_until BIGINT NOT NULL,
  locked_by    TEXT,
  last_run     BIGINT NOT NULL
);
