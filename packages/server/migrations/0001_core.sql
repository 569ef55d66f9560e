-- Core: people, agencies, sessions, API keys and the hash-chained audit log.

CREATE TABLE agencies (
  code text PRIMARY KEY,
  name_vi text NOT NULL,
  name_en text NOT NULL,
  kind text NOT NULL DEFAULT 'other',
  parent_code text REFERENCES agencies (code),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- The admin units an agency serves (codes of admin_units; not a foreign key
-- because a unit code has several versions over time).
CREATE TABLE agency_units (
  agency_code text NOT NULL REFERENCES agencies (code) ON DELETE CASCADE,
  unit_code text NOT NULL,
  PRIMARY KEY (agency_code, unit_code)
);

CREATE TABLE users (
  id uuid PRIMARY KEY,
  email text NOT NULL UNIQUE CHECK (email = lower(email)),
  name text NOT NULL,
  password_hash text NOT NULL,
  role text NOT NULL CHECK (role IN ('administrator', 'supervisor', 'operator', 'agency_officer', 'viewer')),
  locale text NOT NULL DEFAULT 'vi' CHECK (locale IN ('vi', 'en')),
  disabled_at timestamptz,
  last_login_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE user_units (
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  unit_code text NOT NULL,
  PRIMARY KEY (user_id, unit_code)
);

CREATE TABLE user_agencies (
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  agency_code text NOT NULL REFERENCES agencies (code),
  PRIMARY KEY (user_id, agency_code)
);

CREATE TABLE sessions (
  id uuid PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  token_hash text NOT NULL UNIQUE,
  ip text,
  user_agent text,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz
);
CREATE INDEX sessions_user_idx ON sessions (user_id);

CREATE TABLE api_keys (
  id uuid PRIMARY KEY,
  name text NOT NULL,
  scope text NOT NULL,
  key_hash text NOT NULL UNIQUE,
  prefix text NOT NULL,
  created_by uuid REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  revoked_at timestamptz
);

CREATE TABLE audit_log (
  seq bigint PRIMARY KEY,
  id uuid NOT NULL UNIQUE,
  at timestamptz NOT NULL,
  actor_type text NOT NULL,
  actor_id text,
  actor_label text,
  action text NOT NULL,
  entity_type text NOT NULL,
  entity_id text,
  before jsonb,
  after jsonb,
  ip text,
  request_id text,
  prev_hash text NOT NULL,
  hash text NOT NULL
);
CREATE INDEX audit_entity_idx ON audit_log (entity_id, seq);
CREATE INDEX audit_actor_idx ON audit_log (actor_id, seq);

-- Append-only: the database refuses to change or remove an audit entry.
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
