-- Cameras: health as last probed, the history of status periods (uptime and
-- outages), and per-camera and per-group grants that narrow who may watch live,
-- see snapshots or manage a camera beyond what their role allows.

-- The latest health of each camera. No row: never probed (status unknown).
CREATE TABLE camera_health (
  camera_id uuid PRIMARY KEY REFERENCES assets (id) ON DELETE CASCADE,
  status text NOT NULL CHECK (status IN ('online', 'degraded', 'offline')),
  -- A stable code (`rtsp_timeout`, `snapshot_401`…) with Vietnamese and English text.
  reason_code text,
  reason_vi text,
  reason_en text,
  -- What each check found: {"rtsp": {"ok", "ms", "detail"}, "snapshot": …, "onvif": …}.
  checks jsonb NOT NULL DEFAULT '{}',
  checked_at timestamptz NOT NULL,
  -- When the status last changed.
  since timestamptz NOT NULL
);
CREATE INDEX camera_health_status_idx ON camera_health (status, camera_id);

-- Status over time: one row per period; ended_at NULL on the current one.
CREATE TABLE camera_status_periods (
  camera_id uuid NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
  status text NOT NULL CHECK (status IN ('online', 'degraded', 'offline')),
  started_at timestamptz NOT NULL,
  ended_at timestamptz,
  reason_code text,
  PRIMARY KEY (camera_id, started_at)
);
CREATE INDEX camera_status_periods_open_idx ON camera_status_periods (camera_id)
  WHERE ended_at IS NULL;
CREATE INDEX camera_status_periods_time_idx ON camera_status_periods (started_at);

-- A grant names a camera or a group (a name in the cameras' `groups`, or
-- `ward:<unit code>`, or `purpose:<purpose>`) and a user or a role. Once any
-- grant of a right names a camera or one of its groups, that right on that
-- camera is held only by those the grants name (and administrators).
CREATE TABLE camera_grants (
  id uuid PRIMARY KEY,
  camera_id uuid REFERENCES assets (id) ON DELETE CASCADE,
  group_name text,
  user_id uuid REFERENCES users (id) ON DELETE CASCADE,
  role text,
  rights text[] NOT NULL CHECK (rights <@ ARRAY['live', 'snapshot', 'manage']::text[] AND cardinality(rights) > 0),
  created_at timestamptz NOT NULL,
  CHECK ((camera_id IS NULL) <> (group_name IS NULL)),
  CHECK ((user_id IS NULL) <> (role IS NULL))
);
CREATE INDEX camera_grants_camera_idx ON camera_grants (camera_id) WHERE camera_id IS NOT NULL;
CREATE INDEX camera_grants_group_idx ON camera_grants (group_name) WHERE group_name IS NOT NULL;
