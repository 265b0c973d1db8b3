-- What a step recorded about a side effect that leaves nothing to look up later (StepContext.checkpoint): one value
-- per name, per step of a run, written fenced by the run's lease and read by every later attempt of the step —
-- after a retry, a crash or a takeover by another engine. Values are plain text and never secrets. The rows go
-- with their step: deleting a run's steps deletes their checkpoints.
CREATE TABLE tw_step_checkpoint (
  run_id      VARCHAR(36)   NOT NULL,
  step        VARCHAR(40)   NOT NULL,
  name        VARCHAR(40)   NOT NULL,
  content     VARCHAR(1000) NOT NULL,
  attempt     INT           NOT NULL,
  recorded_at BIGINT        NOT NULL,
  PRIMARY KEY (run_id, step, name),
  CONSTRAINT tw_step_checkpoint_step_fk FOREIGN KEY (run_id, step) REFERENCES tw_step (run_id, name) ON DELETE CASCADE
);
