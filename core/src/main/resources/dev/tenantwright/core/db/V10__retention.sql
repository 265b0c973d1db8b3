-- Retention and bounded lists. Finished runs are found for pruning in the order they finished (keyset over
-- finished_at, id); an environment's runs are paged and its newest run is read through (environment_id, created_at,
-- id), so neither a status nor a page reads more rows than it shows; old webhook deliveries go by finished_at.
CREATE INDEX tw_run_finished_ix ON tw_run (finished_at, id);
CREATE INDEX tw_run_environment_created_ix ON tw_run (environment_id, created_at, id);
CREATE INDEX tw_webhook_delivery_finished_ix ON tw_webhook_delivery (finished_at);
