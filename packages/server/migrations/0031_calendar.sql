-- The province's own calendar entries: holidays and make-up working days it
-- decides, on top of the built-in national holidays (src/calendar), which an
-- entry on the same date overrides.

CREATE TABLE calendar_days (
  date date PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('holiday', 'workday')),
  name_vi text NOT NULL,
  name_en text NOT NULL,
  source text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL,
  created_by text
);
