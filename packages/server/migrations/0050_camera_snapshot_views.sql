-- Granted snapshot views, counted per camera, viewer and ten-minute window
-- until the window closes; then each row becomes one `camera.snapshot` audit
-- entry with the count, and is deleted in the same transaction. A wall that
-- refreshes 16 thumbnails every few seconds thus writes 16 audit entries per
-- window, not thousands.

CREATE TABLE camera_snapshot_views (
  -- No foreign key: a removed camera's views are still audited.
  camera_id uuid NOT NULL,
  actor_type text NOT NULL,
  -- '' for an actor without an id.
  actor_id text NOT NULL,
  window_start timestamptz NOT NULL,
  actor_label text NOT NULL,
  -- The address and request of the window's first view.
  ip text,
  request_id text,
  views integer NOT NULL,
  first_at timestamptz NOT NULL,
  last_at timestamptz NOT NULL,
  PRIMARY KEY (camera_id, actor_type, actor_id, window_start)
);
CREATE INDEX camera_snapshot_views_window_idx ON camera_snapshot_views (window_start);
