-- The server's own records, beside the journal's tables (in the same PostgreSQL database, or in an H2 file of
-- their own beside the embedded journal). Times are epoch milliseconds.

-- API tokens: only a SHA-256 of the secret is kept (the secret is 256 random bits, so a slow hash adds nothing).
CREATE TABLE tws_token (
  id              VARCHAR(32)  NOT NULL PRIMARY KEY,
  name            VARCHAR(64)  NOT NULL,
  scope           VARCHAR(16)  NOT NULL,
  tenant_id       VARCHAR(100),
  secret_hash     VARCHAR(64)  NOT NULL,
  rate_per_minute INT,
  created_at      BIGINT       NOT NULL,
  last_used_at    BIGINT,
  revoked_at      BIGINT
);

-- Destructive changes to live waiting for (or decided by) an approver.
CREATE TABLE tws_approval (
  id              VARCHAR(40)    NOT NULL PRIMARY KEY,
  state           VARCHAR(16)    NOT NULL,
  operation       VARCHAR(32)    NOT NULL,
  tenant_id       VARCHAR(100)   NOT NULL,
  environment     VARCHAR(100),
  request         VARCHAR(20000) NOT NULL,
  why             VARCHAR(1000),
  requested_by    VARCHAR(64)    NOT NULL,
  requested_at    BIGINT         NOT NULL,
  request_key     VARCHAR(300),
  decided_by      VARCHAR(64),
  decided_at      BIGINT,
  decision_reason VARCHAR(500),
  run_id          VARCHAR(100)
);
CREATE UNIQUE INDEX tws_approval_key_ux ON tws_approval (request_key);
CREATE INDEX tws_approval_state_ix ON tws_approval (state, requested_at);

-- Git push deliveries acted on, by GitHub's delivery id: a replay of one is refused.
CREATE TABLE tws_hook_delivery (
  delivery_id VARCHAR(64)  NOT NULL PRIMARY KEY,
  tenant_id   VARCHAR(100) NOT NULL,
  environment VARCHAR(100) NOT NULL,
  event       VARCHAR(64)  NOT NULL,
  received_at BIGINT       NOT NULL,
  run_id      VARCHAR(100)
);
