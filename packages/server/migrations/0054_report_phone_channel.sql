-- Reports taken by phone at the IOC's hotline get a channel of their own
-- ('phone'), beside the citizen app, Open311 and other staff intake ('staff':
-- walk-in, letters).
ALTER TABLE reports DROP CONSTRAINT reports_channel_check;
ALTER TABLE reports ADD CONSTRAINT reports_channel_check
  CHECK (channel IN ('citizen_app', 'open311', 'staff', 'phone'));
