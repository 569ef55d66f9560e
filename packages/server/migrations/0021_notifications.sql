-- Notifications: webhooks and the outbox of deliveries, written in the same
-- transaction as the alert change they announce and drained by a worker.

CREATE TABLE webhooks (
  id uuid PRIMARY KEY,
  name text NOT NULL,
  url text NOT NULL,
  -- Kept as given: it signs every delivery (HMAC-SHA256). Never selected by a
  -- query that presents a webhook, never logged.
  secret text NOT NULL,
  secret_prefix text NOT NULL,
  enabled boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);

CREATE TABLE notification_outbox (
  id uuid PRIMARY KEY,
  channel text NOT NULL,
  -- The rule's notify entry ({"to": […]}, {"role": …}, {"webhookId": …}).
  target jsonb NOT NULL,
  -- The event and the alert as they were at the change.
  event text NOT NULL,
  payload jsonb NOT NULL,
  alert_id uuid,
  status text NOT NULL DEFAULT 'pending'
    CHECK (status IN ('pending', 'delivered', 'skipped', 'dead')),
  attempts integer NOT NULL DEFAULT 0,
  -- When the row may next be tried; while a worker holds it, the end of its lease.
  next_attempt_at timestamptz NOT NULL,
  last_error text,
  created_at timestamptz NOT NULL,
  finished_at timestamptz
);
CREATE INDEX notification_outbox_due_idx ON notification_outbox (next_attempt_at)
  WHERE status = 'pending';
CREATE INDEX notification_outbox_dead_idx ON notification_outbox (id) WHERE status = 'dead';
CREATE INDEX notification_outbox_alert_idx ON notification_outbox (alert_id);
