-- Outbound status webhooks. Each endpoint follows the event table from a cursor (the last event id it has turned into
-- deliveries); a delivery is one signed POST of one event to one endpoint, retried with backoff until it is answered
-- 2xx or its attempts run out. The unique key makes a delivery per (endpoint, event) at most one, across engines.
CREATE TABLE tw_webhook_cursor (
  endpoint      VARCHAR(63)  NOT NULL PRIMARY KEY,
  last_event_id BIGINT       NOT NULL,
  updated_at    BIGINT       NOT NULL
);

CREATE TABLE tw_webhook_delivery (
  id           VARCHAR(36)  NOT NULL PRIMARY KEY,
  endpoint     VARCHAR(63)  NOT NULL,
  event_id     BIGINT       NOT NULL,
  tenant_id    VARCHAR(63)  NOT NULL,
  event_type   VARCHAR(24)  NOT NULL,
  payload      VARCHAR      NOT NULL,
  state        VARCHAR(12)  NOT NULL,
  attempts     INT          NOT NULL,
  next_at      BIGINT       NOT NULL,
  last_status  INT,
  last_error   VARCHAR(500),
  created_at   BIGINT       NOT NULL,
  finished_at  BIGINT,
  CONSTRAINT tw_webhook_delivery_uk UNIQUE (endpoint, event_id)
);
CREATE INDEX tw_webhook_delivery_due_ix ON tw_webhook_delivery (state, next_at);
CREATE INDEX tw_webhook_delivery_tenant_ix ON tw_webhook_delivery (tenant_id, created_at);
