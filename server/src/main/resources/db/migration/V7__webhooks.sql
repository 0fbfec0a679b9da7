-- Webhooks: signed JSON notifications with a delivery log. The secret is kept as given, because
-- the server needs it to sign (an HMAC key cannot be hashed); it is shown once at creation and
-- never returned or logged afterwards.
CREATE TABLE webhooks (
  id          ${id_pk},
  url         TEXT NOT NULL,
  team        TEXT,
  events      TEXT NOT NULL,
  secret      TEXT NOT NULL,
  created_by  TEXT NOT NULL,
  created_at  BIGINT NOT NULL
);

CREATE TABLE webhook_deliveries (
  id              ${id_pk},
  webhook_id      BIGINT NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
  event           TEXT NOT NULL,
  payload         TEXT NOT NULL,
  status          TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts        INTEGER NOT NULL,
  next_attempt_at BIGINT NOT NULL,
  last_status     INTEGER,
  last_error      TEXT,
  created_at      BIGINT NOT NULL,
  delivered_at    BIGINT
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
CREATE INDEX webhook_deliveries_hook ON webhook_deliveries (webhook_id);

-- One SLA breach notice per finding, ever.
CREATE TABLE sla_notices (
  finding_id BIGINT PRIMARY KEY REFERENCES findings (id) ON DELETE CASCADE,
  at         BIGINT NOT NULL
);
