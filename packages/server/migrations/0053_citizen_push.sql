-- Web push subscriptions of the citizen app: a browser's push endpoint and
-- keys, kept for the citizen whose token registered it (signed in by phone, or
-- the anonymous citizen of a follow token). A status change that tells a
-- report's reporter and followers (report_notifications, channel 'push') is
-- also pushed to their subscriptions; a push service answering 404 or 410
-- removes the subscription.
CREATE TABLE citizen_push_subscriptions (
  id uuid PRIMARY KEY,
  citizen_id uuid NOT NULL REFERENCES citizens (id) ON DELETE CASCADE,
  endpoint text NOT NULL,
  p256dh text NOT NULL,
  auth text NOT NULL,
  lang text NOT NULL DEFAULT 'vi' CHECK (lang IN ('vi', 'en')),
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  UNIQUE (citizen_id, endpoint)
);
CREATE INDEX citizen_push_subscriptions_endpoint_idx ON citizen_push_subscriptions (endpoint);
