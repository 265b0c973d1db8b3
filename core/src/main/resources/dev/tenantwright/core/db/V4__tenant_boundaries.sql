-- Host names a tenant's resources answer for. A name belongs to one environment of one tenant (the primary key
-- makes it unique across all tenants); the resources that use it are listed in tw_hostname_use, and the name is
-- free again when the last of them is gone.
CREATE TABLE tw_hostname (
  name           VARCHAR(253) NOT NULL PRIMARY KEY,
  tenant_id      VARCHAR(63)  NOT NULL,
  environment_id VARCHAR(140) NOT NULL,
  created_at     BIGINT       NOT NULL
);
CREATE INDEX tw_hostname_environment_ix ON tw_hostname (environment_id);

CREATE TABLE tw_hostname_use (
  name           VARCHAR(253) NOT NULL,
  environment_id VARCHAR(140) NOT NULL,
  resource       VARCHAR(40)  NOT NULL,
  PRIMARY KEY (name, environment_id, resource)
);
CREATE INDEX tw_hostname_use_resource_ix ON tw_hostname_use (environment_id, resource);

-- Custom domains a tenant proved it owns (a TXT record under the domain carrying a token bound to the tenant).
CREATE TABLE tw_domain (
  tenant_id   VARCHAR(63)  NOT NULL,
  domain      VARCHAR(253) NOT NULL,
  verified_at BIGINT       NOT NULL,
  PRIMARY KEY (tenant_id, domain)
);

-- Idempotency keys are scoped to their environment: one tenant's key can never find, squat or reveal another's run.
ALTER TABLE tw_run DROP CONSTRAINT tw_run_key_uk;
ALTER TABLE tw_run ADD CONSTRAINT tw_run_key_uk UNIQUE (environment_id, idempotency_key);

-- How backend names are formed for the environment's resources: 1 = tenant-environment-resource (environments
-- made before this version keep it, so their objects are found again), 2 = tenant--environment--resource: no part
-- may contain "--", so no two tenants' names can ever be the same.
ALTER TABLE tw_environment ADD COLUMN naming INT DEFAULT 1 NOT NULL;
