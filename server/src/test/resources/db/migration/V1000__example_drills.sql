-- The test-only example feature (dev.bulwark.server.examplefeature, docs/adding-a-feature.md): the
-- recovery drills a team ran for a service. On the test classpath only, numbered far above the
-- real migrations so that it never takes a number a real feature needs.
CREATE TABLE example_drills (
  id           ${id_pk},
  service_id   BIGINT NOT NULL REFERENCES service_records (id),
  scenario     TEXT NOT NULL,
  outcome      TEXT NOT NULL CHECK (outcome IN ('passed', 'failed')),
  performed_at BIGINT NOT NULL,
  performed_by TEXT NOT NULL
);

CREATE INDEX example_drills_service ON example_drills (service_id, performed_at);
