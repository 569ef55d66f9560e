-- Alerts: rules as data, the alerts they open with their history, and the
-- geofence state of each (rule, asset).

CREATE TABLE alert_rules (
  id uuid PRIMARY KEY,
  name text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('threshold', 'silence', 'match', 'geofence')),
  severity text NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
  enabled boolean NOT NULL DEFAULT true,
  asset_id uuid,
  asset_type text,
  admin_unit_code text,
  -- admin_unit_code with every unit under it, worked out when the rule is saved.
  unit_codes text[],
  -- The kind's own fields (eventType, field, op, value, clearValue, seconds, on).
  params jsonb NOT NULL DEFAULT '{}',
  -- The geofence's area (PostGIS-valid Polygon or MultiPolygon).
  area geometry(Geometry, 4326),
  message jsonb,
  escalate_after_minutes integer CHECK (escalate_after_minutes > 0),
  notify jsonb NOT NULL DEFAULT '[]',
  -- Silence is counted from here at the earliest: creation, re-enabling or a change.
  armed_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX alert_rules_kind_idx ON alert_rules (kind) WHERE enabled;
CREATE INDEX alert_rules_unit_idx ON alert_rules (admin_unit_code, id);

-- No foreign key to alert_rules or assets: alerts are history and outlive both.
CREATE TABLE alerts (
  id uuid PRIMARY KEY,
  rule_id uuid NOT NULL,
  kind text NOT NULL,
  asset_id uuid NOT NULL,
  severity text NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
  status text NOT NULL CHECK (status IN ('open', 'acknowledged', 'resolved')),
  title text NOT NULL,
  message jsonb,
  details jsonb NOT NULL DEFAULT '{}',
  opened_at timestamptz NOT NULL,
  acknowledged_at timestamptz,
  acknowledged_by jsonb,
  resolved_at timestamptz,
  resolved_by jsonb,
  note text,
  last_event_seq bigint,
  count integer NOT NULL DEFAULT 1,
  -- The asset's place when the alert opened, for scope.
  admin_unit_code text,
  agency_code text,
  escalation_level integer NOT NULL DEFAULT 0,
  escalated_at timestamptz,
  updated_at timestamptz NOT NULL
);
-- At most one unresolved alert per rule and asset; concurrent evaluations meet
-- here (INSERT … ON CONFLICT) and never make two.
CREATE UNIQUE INDEX alerts_one_unresolved_idx ON alerts (rule_id, asset_id)
  WHERE status <> 'resolved';
CREATE INDEX alerts_rule_asset_idx ON alerts (rule_id, asset_id, id);
CREATE INDEX alerts_asset_idx ON alerts (asset_id, id);
CREATE INDEX alerts_unit_idx ON alerts (admin_unit_code, id);
CREATE INDEX alerts_unresolved_idx ON alerts (status, opened_at) WHERE status <> 'resolved';

-- Every transition of an alert: who, when, what.
CREATE TABLE alert_history (
  id bigserial PRIMARY KEY,
  alert_id uuid NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
  at timestamptz NOT NULL,
  action text NOT NULL,
  actor jsonb NOT NULL,
  from_status text,
  to_status text NOT NULL,
  severity text NOT NULL,
  note text
);
CREATE INDEX alert_history_alert_idx ON alert_history (alert_id, id);

-- Whether each asset was inside each geofence at its last known position, so
-- that enter and leave survive restarts and work across processes.
CREATE TABLE geofence_state (
  rule_id uuid NOT NULL REFERENCES alert_rules (id) ON DELETE CASCADE,
  asset_id uuid NOT NULL,
  inside boolean NOT NULL,
  -- The seq of the event of that position (0: the asset's registered geometry).
  seq bigint NOT NULL,
  lon double precision,
  lat double precision,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (rule_id, asset_id)
);
