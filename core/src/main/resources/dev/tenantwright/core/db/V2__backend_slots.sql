-- Per-backend concurrency limits that hold across several engines: one row per permit; an engine holds a
-- permit by owning its row, with a lease so that a dead engine's permits come back.
CREATE TABLE tw_backend_slot (
  backend     VARCHAR(60)  NOT NULL,
  slot        INT          NOT NULL,
  holder      VARCHAR(140),
  lease_until BIGINT,
  PRIMARY KEY (backend, slot)
);
