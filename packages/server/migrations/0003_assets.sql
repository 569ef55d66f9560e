-- Assets: every located thing, with a type from the catalogue, a geometry,
-- the admin unit its location falls in, a live status and tags.

CREATE TABLE assets (
  id uuid PRIMARY KEY,
  type text NOT NULL,
  code text NOT NULL,
  name text NOT NULL,
  geom geometry(Geometry, 4326) NOT NULL,
  properties jsonb NOT NULL DEFAULT '{}',
  -- Write-only properties of the type (camera credentials). Kept apart from
  -- `properties` so that no query that presents an asset ever selects them.
  secrets jsonb NOT NULL DEFAULT '{}',
  status text NOT NULL DEFAULT 'unknown',
  -- Derived from geom with admin_unit_at() when the geometry is written.
  admin_unit_code text,
  agency_code text REFERENCES agencies (code),
  tags text[] NOT NULL DEFAULT '{}',
  -- foldText(code || ' ' || name): search without diacritics.
  search_text text NOT NULL DEFAULT '',
  -- A stable random number in [0, 512) that thins low-zoom vector tiles: a tile
  -- too dense to draw shows the assets with sample < 64, < 8 or = 0 (1/8, 1/64,
  -- 1/512), each read through a small partial index below.
  sample smallint NOT NULL DEFAULT floor(random() * 512),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (type, code)
);
CREATE INDEX assets_geom_idx ON assets USING gist (geom);
CREATE INDEX assets_geom_s8_idx ON assets USING gist (geom) WHERE sample < 64;
CREATE INDEX assets_geom_s64_idx ON assets USING gist (geom) WHERE sample < 8;
CREATE INDEX assets_geom_s512_idx ON assets USING gist (geom) WHERE sample = 0;
CREATE INDEX assets_type_idx ON assets (type, id);
CREATE INDEX assets_unit_idx ON assets (admin_unit_code, id);
CREATE INDEX assets_agency_idx ON assets (agency_code, id);
CREATE INDEX assets_tags_idx ON assets USING gin (tags);
