-- The SBOM's dependency graph per release: component ref -> the refs it depends on.
CREATE TABLE release_dependencies (
  release_id BIGINT NOT NULL REFERENCES releases (id) ON DELETE CASCADE,
  ref        TEXT NOT NULL,
  depends_on TEXT NOT NULL,
  PRIMARY KEY (release_id, ref, depends_on)
);
