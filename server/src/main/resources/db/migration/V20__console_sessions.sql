-- Web console sessions (docs/console.md). The cookie's value is never stored: id_hash is its
-- SHA-256, so a copy of the database signs nobody in. A session signed in with an API token names
-- it (token_id) and asks the tokens table on every request, so revoking the token ends the session;
-- an OIDC session keeps the role and teams its ID token mapped to, until it expires.
CREATE TABLE console_sessions (
  id_hash      TEXT PRIMARY KEY,
  kind         TEXT NOT NULL,
  token_id     TEXT,
  actor        TEXT NOT NULL,
  subject      TEXT NOT NULL,
  minted_by    TEXT,
  role         TEXT NOT NULL,
  teams        TEXT NOT NULL,
  csrf_secret  TEXT NOT NULL,
  created_at   BIGINT NOT NULL,
  last_seen_at BIGINT NOT NULL
);
CREATE INDEX console_sessions_last_seen ON console_sessions (last_seen_at);
CREATE INDEX console_sessions_token ON console_sessions (token_id);

-- OIDC sign-ins under way: the state (hashed), the browser that started it (the hash of its
-- pre-session cookie), the nonce and the PKCE verifier; each row is used once and lives minutes.
CREATE TABLE console_oidc_requests (
  state_hash    TEXT PRIMARY KEY,
  browser_hash  TEXT NOT NULL,
  nonce         TEXT NOT NULL,
  code_verifier TEXT NOT NULL,
  next_path     TEXT NOT NULL,
  created_at    BIGINT NOT NULL
);
