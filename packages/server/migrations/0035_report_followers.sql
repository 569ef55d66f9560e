-- Reports a citizen follows without having sent them (one seen on the map,
-- the original of a duplicate), and the Idempotency-Key of citizen
-- submissions (a retried offline submission answers the first report instead
-- of making a second).

CREATE TABLE report_followers (
  citizen_id uuid NOT NULL REFERENCES citizens (id) ON DELETE CASCADE,
  report_id bigint NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (citizen_id, report_id)
);
CREATE INDEX report_followers_report_idx ON report_followers (report_id);

CREATE TABLE citizen_submission_keys (
  -- sha256 of the sender (citizen id, or "anonymous") and the key: never the key itself.
  key_hash text PRIMARY KEY,
  citizen_id uuid NOT NULL REFERENCES citizens (id) ON DELETE CASCADE,
  report_id bigint NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
  -- sha256 of the submission, to refuse the same key for a different report.
  fingerprint text NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE INDEX citizen_submission_keys_created_idx ON citizen_submission_keys (created_at);
