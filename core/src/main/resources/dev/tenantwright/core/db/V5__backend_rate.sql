-- Per-backend rate limits shared by several engines (PostgreSQL): the next free start time of an attempt on the
-- backend, in epoch microseconds. Each attempt moves it on by the backend's spacing (1 / attempts per second).
CREATE TABLE tw_backend_rate (
  backend VARCHAR(60) NOT NULL PRIMARY KEY,
  next_at BIGINT      NOT NULL
);
