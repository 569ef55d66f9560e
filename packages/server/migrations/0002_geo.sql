-- Admin units: a tree that changes over time. A code may have several
-- versions, each valid over [valid_from, valid_to] (valid_to NULL = still valid).

CREATE TABLE admin_units (
  code text NOT NULL,
  valid_from date NOT NULL,
  valid_to date,
  name_vi text NOT NULL,
  name_en text NOT NULL,
  level text NOT NULL CHECK (level IN ('province', 'district', 'commune')),
  kind text NOT NULL,
  parent_code text,
  boundary geometry(MultiPolygon, 4326),
  approximate boolean NOT NULL DEFAULT false,
  source text,
  external_refs jsonb NOT NULL DEFAULT '{}',
  search_text text NOT NULL DEFAULT '',
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (code, valid_from),
  CHECK (valid_to IS NULL OR valid_to >= valid_from)
);
CREATE INDEX admin_units_boundary_idx ON admin_units USING gist (boundary);
CREATE INDEX admin_units_parent_idx ON admin_units (parent_code);
CREATE INDEX admin_units_level_idx ON admin_units (level);

-- The commune-level unit (or the deepest unit) containing a geometry on a date:
-- the one function other modules use to place things, so they never read
-- admin_units themselves. Lines and polygons are placed by a point on them.
CREATE FUNCTION admin_unit_at(g geometry, at_date date) RETURNS text
LANGUAGE sql STABLE AS $$
  SELECT u.code FROM admin_units u
  WHERE u.boundary IS NOT NULL
    AND u.valid_from <= at_date AND (u.valid_to IS NULL OR u.valid_to >= at_date)
    AND ST_Intersects(u.boundary, ST_PointOnSurface(g))
  ORDER BY CASE u.level WHEN 'commune' THEN 0 WHEN 'district' THEN 1 ELSE 2 END, u.code
  LIMIT 1
$$;
