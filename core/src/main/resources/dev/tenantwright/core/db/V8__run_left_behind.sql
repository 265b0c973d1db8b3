-- What a run's rollback could not undo: a JSON array of lines "resource (type): why", one per resource that needs
-- an operator, written with the run's final state so Run.leftBehind() and CompensationFailedException read it back
-- from any engine. NULL when nothing was left behind.
ALTER TABLE tw_run ADD COLUMN left_behind VARCHAR(20000);
