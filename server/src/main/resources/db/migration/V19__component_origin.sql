-- Where a component came from, as an image SBOM records it (issue 15): the source package an OS
-- package was built from (Debian Source:, the source RPM, the apk origin) and its version where it
-- differs, the generator's own package type, whether the generator records the source whenever it
-- differs from the binary (1) or a missing source means "unknown" (0), and the image layers and
-- file paths it was found in, as a JSON array of {"layer": ..., "path": ...}. NULL and 0 for
-- components stored before this column and for SBOMs that say nothing of the kind.
ALTER TABLE release_components ADD COLUMN source_name TEXT;
ALTER TABLE release_components ADD COLUMN source_version TEXT;
ALTER TABLE release_components ADD COLUMN package_type TEXT;
ALTER TABLE release_components ADD COLUMN source_recorded INTEGER NOT NULL DEFAULT 0;
ALTER TABLE release_components ADD COLUMN locations TEXT;
-- Advisories of Debian and Ubuntu name source packages: an advisory change finds the binary
-- packages built from the source it names.
CREATE INDEX release_components_source ON release_components (ecosystem, source_name);
