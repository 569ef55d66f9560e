-- The back office's queue sorted by deadline (GET /api/v1/reports?sort=deadline):
-- ORDER BY deadline_at, id with the keyset (deadline_at, id) > (…, …) of the
-- next page. reports_due_idx is partial (the escalation job's reports) and
-- has no id, so the list sorted every matching report for each page.
CREATE INDEX reports_deadline_id_idx ON reports (deadline_at, id);
