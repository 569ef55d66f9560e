-- Files (photos of citizen reports and their answers): metadata here, bytes in
-- the file store (a local folder, or an S3-compatible bucket). An upload is
-- attached to what uses it; one left unattached for a day is removed.

CREATE TABLE files (
  id uuid PRIMARY KEY,
  storage_key text NOT NULL,
  thumb_key text NOT NULL,
  content_type text NOT NULL,
  size integer NOT NULL,
  width integer NOT NULL,
  height integer NOT NULL,
  sha256 text NOT NULL,
  -- Who uploaded it (a citizen, a user, an API key, or nobody known), so that
  -- only they can attach it.
  uploaded_by_type text NOT NULL,
  uploaded_by_id text,
  attached_at timestamptz,
  created_at timestamptz NOT NULL
);
CREATE INDEX files_unattached_idx ON files (created_at) WHERE attached_at IS NULL;
