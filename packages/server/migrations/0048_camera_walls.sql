-- Video walls of the camera console: each user's saved layouts (1, 4, 9 or 16
-- tiles, each a camera or empty) and an optional tour through a camera group.

CREATE TABLE camera_walls (
  id uuid PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name text NOT NULL,
  layout smallint NOT NULL CHECK (layout IN (1, 4, 9, 16)),
  -- Tile i shows the camera tiles[i] (NULL: an empty tile). A camera removed
  -- later leaves its id here; the console shows that tile as unavailable.
  tiles uuid[] NOT NULL DEFAULT '{}' CHECK (cardinality(tiles) <= layout),
  -- A camera group key (ward:<code>, purpose:<purpose> or a custom name), or NULL.
  tour_group text,
  tour_seconds integer CHECK (tour_seconds BETWEEN 5 AND 3600),
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  CHECK ((tour_group IS NULL) = (tour_seconds IS NULL)),
  UNIQUE (user_id, name)
);
