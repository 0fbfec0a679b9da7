-- A release's facts revision: raised in the same transaction as every change to what a gate reads
-- about the release (SBOM and components, findings and their states, SARIF summaries,
-- attestations). A node may keep a release's gate input while the revision stays the same.
ALTER TABLE releases ADD COLUMN facts_rev BIGINT NOT NULL DEFAULT 0;
