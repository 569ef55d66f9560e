-- Citizens of the citizen app: signed in by phone number and a one-time code,
-- or anonymous (no phone) with the token given when they sent a report.

CREATE TABLE citizens (
  id uuid PRIMARY KEY,
  -- E.164 (+84…); NULL for an anonymous citizen.
  phone text UNIQUE,
  created_at timestamptz NOT NULL,
  last_seen_at timestamptz
);

CREATE TABLE citizen_sessions (
  id uuid PRIMARY KEY,
  citizen_id uuid NOT NULL REFERENCES citizens (id) ON DELETE CASCADE,
  token_hash text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz
);
CREATE INDEX citizen_sessions_citizen_idx ON citizen_sessions (citizen_id);

-- One-time codes: only a salted hash is kept; five attempts; five minutes.
CREATE TABLE citizen_otps (
  id uuid PRIMARY KEY,
  phone text NOT NULL,
  ip text,
  salt text NOT NULL,
  code_hash text NOT NULL,
  attempts integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  used_at timestamptz
);
CREATE INDEX citizen_otps_phone_idx ON citizen_otps (phone, created_at);
CREATE INDEX citizen_otps_ip_idx ON citizen_otps (ip, created_at);
