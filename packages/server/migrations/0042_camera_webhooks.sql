-- A secret per camera for its vendor webhook (POST /api/v1/cameras/{id}/events),
-- stored only as a SHA-256 hash; a new secret replaces the old one.
CREATE TABLE camera_webhooks (
  camera_id uuid PRIMARY KEY REFERENCES assets (id) ON DELETE CASCADE,
  secret_hash text NOT NULL,
  created_at timestamptz NOT NULL
);
