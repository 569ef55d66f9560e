-- Devices: identities of assets that send events, each with an API key
-- (`cod_…`) stored only as its SHA-256 hash. Removing an asset removes its devices.

CREATE TABLE devices (
  id uuid PRIMARY KEY,
  asset_id uuid NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
  name text NOT NULL DEFAULT '',
  key_hash text NOT NULL UNIQUE,
  key_prefix text NOT NULL,
  disabled_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  rotated_at timestamptz,
  -- Approximate (written at most once a minute); asset_state has the exact time.
  last_seen_at timestamptz
);
CREATE INDEX devices_asset_idx ON devices (asset_id, id);
