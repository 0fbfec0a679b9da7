-- Releases of services, their SBOMs (gzip-compressed, as uploaded), their components, and the
-- findings the vulnerability engine made of them. One finding per (release, component,
-- vulnerability); finding_ids holds every id of the vulnerability (record id and aliases).

CREATE TABLE releases (
  id          ${id_pk},
  service     TEXT NOT NULL REFERENCES services (name) ON DELETE CASCADE,
  version     TEXT NOT NULL,
  digest      TEXT NOT NULL,
  created_at  BIGINT NOT NULL,
  sbom_sha256 TEXT,
  sbom_format TEXT,
  sbom        ${blob},
  UNIQUE (service, version)
);

CREATE TABLE release_components (
  release_id BIGINT NOT NULL REFERENCES releases (id) ON DELETE CASCADE,
  ref        TEXT NOT NULL,
  name       TEXT,
  version    TEXT,
  purl       TEXT,
  ecosystem  TEXT,
  package    TEXT,
  PRIMARY KEY (release_id, ref)
);
CREATE INDEX release_components_package ON release_components (ecosystem, package);

CREATE TABLE findings (
  id            ${id_pk},
  release_id    BIGINT NOT NULL REFERENCES releases (id) ON DELETE CASCADE,
  component_ref TEXT NOT NULL,
  purl          TEXT,
  vuln_id       TEXT NOT NULL,
  aliases       TEXT NOT NULL,
  severity      TEXT NOT NULL,
  score         DOUBLE PRECISION,
  fixed         TEXT,
  summary       TEXT,
  state         TEXT NOT NULL,
  first_seen    BIGINT NOT NULL,
  UNIQUE (release_id, component_ref, vuln_id)
);

CREATE TABLE finding_ids (
  finding_id BIGINT NOT NULL REFERENCES findings (id) ON DELETE CASCADE,
  vuln_id    TEXT NOT NULL,
  PRIMARY KEY (finding_id, vuln_id)
);
CREATE INDEX finding_ids_vuln ON finding_ids (vuln_id);
