-- Heartbeats only say "still here"; the asset's last-seen time keeps the news.
-- A week of them is enough to study an outage, and keeps a city of a few
-- hundred devices beating every minute to ~2 GB instead of ~10.
UPDATE event_retention SET days = 7 WHERE pattern = 'heartbeat' AND days = 30;
