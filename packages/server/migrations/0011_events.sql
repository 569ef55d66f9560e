-- The event store: every event with a sequence number that follows commit
-- order (the stream resumes from it), the asset's latest state, and retention
-- per event type.

-- The last sequence number given out. Writers lock this row first and hold it
-- until they commit, so a higher seq never commits before a lower one, across
-- every process on the database; and it survives retention removing old rows.
CREATE TABLE event_seq (
  id smallint PRIMARY KEY CHECK (id = 1),
  last_seq bigint NOT NULL
);
INSERT INTO event_seq (id, last_seq) VALUES (1, 0);

CREATE TABLE events (
  seq bigint PRIMARY KEY,
  id uuid NOT NULL,
  device_id uuid,
  asset_id uuid,
  source text NOT NULL,
  type text NOT NULL,
  observed_at timestamptz NOT NULL,
  received_at timestamptz NOT NULL,
  data jsonb NOT NULL DEFAULT '{}',
  -- The device's own id of the event: a repeat from the same device is stored
  -- once. NULL: no deduplication.
  device_event_id text,
  -- Copied from the asset when stored, so scope and filters need no join and
  -- history keeps the place the event happened in.
  admin_unit_code text,
  agency_code text,
  asset_type text,
  UNIQUE (device_id, device_event_id)
);
-- No foreign keys: events are history and outlive devices and assets.
CREATE INDEX events_asset_time_idx ON events (asset_id, observed_at);
CREATE INDEX events_type_time_idx ON events (type, observed_at);
CREATE INDEX events_time_idx ON events (observed_at);

-- The latest state of each asset: for every event type, the newest event's
-- time, seq and data; and when the asset was last heard from.
CREATE TABLE asset_state (
  asset_id uuid PRIMARY KEY,
  last_event_seq bigint NOT NULL,
  last_event_at timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL,
  latest jsonb NOT NULL DEFAULT '{}'
);

-- How long events are kept, per type pattern: an exact type, a prefix such as
-- 'fire.*', or '*' for every other type. The most specific pattern wins.
CREATE TABLE event_retention (
  pattern text PRIMARY KEY,
  days integer NOT NULL CHECK (days > 0)
);
INSERT INTO event_retention (pattern, days) VALUES
  ('*', 90),
  ('heartbeat', 30),
  ('fire.*', 1825),
  ('alarm.*', 1825);

-- Leases of background jobs that must run on one process at a time.
CREATE TABLE job_leases (
  name text PRIMARY KEY,
  holder text NOT NULL,
  until timestamptz NOT NULL
);
