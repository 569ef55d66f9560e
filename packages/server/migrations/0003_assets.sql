-- Assets: every located thing, with a type from the catalogue, a geometry,
-- the admin unit its location falls in, a live status and tags.

CREATE TABLE assets (
  id uuid PRIMARY KEY,
  type text NOT NULL,
  code text NOT NULL,
  name text NOT NULL,
  geom geometry(Geometry, 4326) NOT NULL,
  properties jsonb NOT NULL DEFAULT '{}',
  status text NOT NULL DEFAULT 'unknown',
  admin_unit_code text,
  agency_code text REFERENCES agencies (code),
  tags text[] NOT NULL DEFAULT '{}',
  search_text text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (type, code)
);
CREATE INDEX assets_geom_idx ON assets USING gist (geom);
CREATE INDEX assets_type_idx ON assets (type, id);
CREATE INDEX assets_unit_idx ON assets (admin_unit_code, id);
CREATE INDEX assets_tags_idx ON assets USING gin (tags);
