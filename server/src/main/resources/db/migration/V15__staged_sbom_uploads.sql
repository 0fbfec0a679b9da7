-- An SBOM upload is written in bounded steps (docs/adr/0008): while its rows are being written the
-- release names the upload in sbom_pending, and every reader ignores the release's components,
-- dependencies and findings. The final step clears it and sets the SBOM, in one short
-- transaction. sbom_pending_at is raised by every step, so an upload abandoned by a crashed node
-- can be told from one still running and cleaned up.
ALTER TABLE releases ADD COLUMN sbom_pending TEXT;
ALTER TABLE releases ADD COLUMN sbom_pending_at BIGINT;
