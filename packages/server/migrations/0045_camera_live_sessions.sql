-- Viewer sessions of camera live views: who watched which camera, from when,
-- until when and why it ended. The audit trail has an entry at each start
-- and end; this table lets a session whose server died (no end entry) be
-- closed later, by any server, at its last expiry.

CREATE TABLE camera_live_sessions (
  id uuid PRIMARY KEY,
  -- No foreign key: the record outlives a removed camera.
  camera_id uuid NOT NULL,
  actor_type text NOT NULL,
  actor_id text,
  actor_label text,
  protocol text NOT NULL,
  quality text NOT NULL,
  gateway text NOT NULL,
  started_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  ended_at timestamptz,
  end_reason text
);
CREATE INDEX camera_live_sessions_open_idx ON camera_live_sessions (expires_at)
  WHERE ended_at IS NULL;
CREATE INDEX camera_live_sessions_camera_idx ON camera_live_sessions (camera_id, started_at DESC);
