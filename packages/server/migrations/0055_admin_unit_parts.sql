-- admin_unit_at() on small pieces of the boundaries. A province boundary has
-- ~1,300 vertices and its box covers every point, so the exact test against
-- it cost most of the ~35 µs a call took on PostgreSQL. Cut into parts of at
-- most 64 vertices (~620 for all versions), each point meets a few small
-- boxes and tests a few short rings: the same answers at ~14 µs a call. (A
-- point within float rounding of a cut, ~1e-15°, may fall in either
-- neighbour, as one exactly on a border between two units already does.)
--
-- The parts follow admin_units by triggers, so every writer (seeds,
-- `cityops geo import`, SQL by hand) keeps them in step without knowing them.

CREATE TABLE admin_unit_parts (
  code text NOT NULL,
  valid_from date NOT NULL,
  valid_to date,
  -- The order admin_unit_at() prefers the levels in: 0 commune, 1 district, 2 province.
  rank smallint NOT NULL,
  geom geometry(Geometry, 4326) NOT NULL
);
-- SP-GiST rather than GiST: with all versions in one index (the boxes of a
-- unit's versions overlap), GiST scanned whole pages of ~200 boxes a point;
-- SP-GiST's quadtree visits fewer, ~20% off a call. Tried and no faster:
-- 16, 32, 128 or 256 vertices a part; today's parts in an index of their own
-- (the history then needs a second probe); communes first, other levels only
-- for the points no commune holds.
CREATE INDEX admin_unit_parts_geom_idx ON admin_unit_parts USING spgist (geom);
CREATE INDEX admin_unit_parts_unit_idx ON admin_unit_parts (code, valid_from);

CREATE FUNCTION admin_unit_parts_of(u admin_units) RETURNS SETOF admin_unit_parts
LANGUAGE sql IMMUTABLE AS $$
  SELECT u.code, u.valid_from, u.valid_to,
    (CASE u.level WHEN 'commune' THEN 0 WHEN 'district' THEN 1 ELSE 2 END)::smallint,
    ST_Subdivide(u.boundary, 64)
  WHERE u.boundary IS NOT NULL
$$;

INSERT INTO admin_unit_parts SELECT p.* FROM admin_units u, admin_unit_parts_of(u) p;

CREATE FUNCTION admin_unit_parts_follow() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    DELETE FROM admin_unit_parts WHERE code = OLD.code AND valid_from = OLD.valid_from;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO admin_unit_parts SELECT * FROM admin_unit_parts_of(NEW);
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER admin_unit_parts_write AFTER INSERT OR DELETE ON admin_units
  FOR EACH ROW EXECUTE FUNCTION admin_unit_parts_follow();
-- Only what the parts hold: a new name or search text leaves them alone.
CREATE TRIGGER admin_unit_parts_update AFTER UPDATE ON admin_units
  FOR EACH ROW
  WHEN (OLD.code IS DISTINCT FROM NEW.code OR OLD.valid_from IS DISTINCT FROM NEW.valid_from
    OR OLD.valid_to IS DISTINCT FROM NEW.valid_to OR OLD.level IS DISTINCT FROM NEW.level
    OR OLD.boundary IS DISTINCT FROM NEW.boundary)
  EXECUTE FUNCTION admin_unit_parts_follow();

CREATE FUNCTION admin_unit_parts_clear() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM admin_unit_parts;
  RETURN NULL;
END
$$;

CREATE TRIGGER admin_unit_parts_truncate AFTER TRUNCATE ON admin_units
  FOR EACH STATEMENT EXECUTE FUNCTION admin_unit_parts_clear();

-- The rule of admin_unit_at() unchanged (the deepest unit valid on the date
-- whose boundary holds a point on the geometry, then the lowest code), read
-- from the parts, as a set-returning function: PostgreSQL inlines it where it
-- is joined (LATERAL), so that a statement placing thousands of rows (imports)
-- pays no function call per row, ~6 µs of the ~15. A point is its own point on
-- the surface: ST_PointOnSurface goes through GEOS (~1 µs), and in the filter
-- it ran once per candidate part.
CREATE FUNCTION admin_unit_of(g geometry, at_date date) RETURNS TABLE (code text)
LANGUAGE sql STABLE AS $$
  SELECT p.code FROM admin_unit_parts p
  WHERE p.valid_from <= at_date AND (p.valid_to IS NULL OR p.valid_to >= at_date)
    AND ST_Intersects(p.geom,
      CASE WHEN GeometryType(g) = 'POINT' THEN g ELSE ST_PointOnSurface(g) END)
  ORDER BY p.rank, p.code
  LIMIT 1
$$;

CREATE OR REPLACE FUNCTION admin_unit_at(g geometry, at_date date) RETURNS text
LANGUAGE sql STABLE AS $$
  SELECT u.code FROM admin_unit_of(g, at_date) u
$$;
