-- Every write of an environment row bumps its version: a run planned from one version is refused (and planned
-- again) when the environment changed before the run could start.
ALTER TABLE tw_environment ADD COLUMN version BIGINT DEFAULT 0 NOT NULL;

-- The spec a resource was last made or changed with, resolved (secrets sealed): removing the object later never
-- needs the outputs of the resources it took values from, which may be gone by then.
ALTER TABLE tw_resource ADD COLUMN resolved VARCHAR;

-- Why no engine can resume a run (its blueprint or a plugin is missing); NULL while it can run. An operator may
-- force-fail such a run.
ALTER TABLE tw_run ADD COLUMN stalled VARCHAR;
