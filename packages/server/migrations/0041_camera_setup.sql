-- One-time setup steps of the cameras module (the default alert rules), so a
-- rule a person removed is not created again on the next start.
CREATE TABLE camera_setup (
  step text PRIMARY KEY,
  done_at timestamptz NOT NULL
);
