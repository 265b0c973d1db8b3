-- Day two: pinned blueprint versions, fleet operations (roll-outs and scans) and their schedules.

-- An environment held at one version of its blueprint: roll-outs skip it, and an update to another version is refused.
CREATE TABLE tw_environment_pin (
  environment_id VARCHAR(140) NOT NULL PRIMARY KEY,
  version        INT          NOT NULL,
  actor          VARCHAR(200),
  reason         VARCHAR(1000),
  pinned_at      BIGINT       NOT NULL
);

-- A run kind applied to a selection of environments in waves. Every engine drives it: the row is locked while items
-- are claimed, so max_in_flight holds across engines, and the wave only moves on by a compare-and-set.
CREATE TABLE tw_fleet_op (
  id             VARCHAR(36)  NOT NULL PRIMARY KEY,
  kind           VARCHAR(10)  NOT NULL,
  state          VARCHAR(12)  NOT NULL,
  spec           VARCHAR      NOT NULL,
  wave           INT          NOT NULL,
  wave_count     INT          NOT NULL,
  accepted_wave  INT          NOT NULL,
  item_count     INT          NOT NULL,
  schedule_name  VARCHAR(63),
  reason         VARCHAR(2000),
  created_at     BIGINT       NOT NULL,
  updated_at     BIGINT       NOT NULL,
  finished_at    BIGINT
);
CREATE INDEX tw_fleet_op_state_ix ON tw_fleet_op (state);
CREATE INDEX tw_fleet_op_created_ix ON tw_fleet_op (created_at, id);

-- One environment of a fleet operation; its run is started with an idempotency key made of the operation and seq,
-- so an engine that crashed between claiming it and recording the run leaves nothing that could start twice.
CREATE TABLE tw_fleet_item (
  op_id          VARCHAR(36)  NOT NULL,
  seq            INT          NOT NULL,
  tenant_id      VARCHAR(63)  NOT NULL,
  environment    VARCHAR(63)  NOT NULL,
  wave           INT          NOT NULL,
  state          VARCHAR(12)  NOT NULL,
  run_id         VARCHAR(36),
  owner          VARCHAR(100),
  claimed_at     BIGINT,
  finished_at    BIGINT,
  detail         VARCHAR(1000),
  PRIMARY KEY (op_id, seq)
);
CREATE INDEX tw_fleet_item_wave_ix ON tw_fleet_item (op_id, wave, state);
CREATE INDEX tw_fleet_item_state_ix ON tw_fleet_item (op_id, state);

-- A fleet operation started again every interval; next_at moves by a compare-and-set, so each firing happens once
-- however many engines watch the schedule.
CREATE TABLE tw_fleet_schedule (
  name           VARCHAR(63)  NOT NULL PRIMARY KEY,
  spec           VARCHAR      NOT NULL,
  interval_ms    BIGINT       NOT NULL,
  next_at        BIGINT       NOT NULL,
  last_op_id     VARCHAR(36),
  updated_at     BIGINT       NOT NULL
);
