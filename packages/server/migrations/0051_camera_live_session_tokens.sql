-- The SHA-256 of each live viewer session's token, so that any CityOps
-- process can tell a stream gateway (MediaMTX's external HTTP authentication)
-- whether a token opens a camera's stream now; the token itself is never
-- stored. NULL for sessions recorded before this column existed.

ALTER TABLE camera_live_sessions ADD COLUMN token_hash text;
CREATE UNIQUE INDEX camera_live_sessions_token_idx ON camera_live_sessions (token_hash)
  WHERE token_hash IS NOT NULL;
