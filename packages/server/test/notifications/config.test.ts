/** The e-mail settings: CITYOPS_SMTP_URL (smtp: or smtps:, never echoed) and CITYOPS_SMTP_FROM. */
import { expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/core/config.js';

it('takes an SMTP URL and a sender, with a default sender and no e-mail by default', () => {
  const none = loadConfig({});
  expect(none.smtpUrl).toBeUndefined();
  expect(none.smtpFrom).toBe('CityOps <cityops@localhost>');
  const set = loadConfig({
    CITYOPS_SMTP_URL: 'smtp://ioc:secret@mail.thainguyen.gov.vn:587',
    CITYOPS_SMTP_FROM: 'IOC Thái Nguyên <ioc@thainguyen.gov.vn>',
  });
  expect(set.smtpUrl).toBe('smtp://ioc:secret@mail.thainguyen.gov.vn:587');
  expect(set.smtpFrom).toBe('IOC Thái Nguyên <ioc@thainguyen.gov.vn>');
  expect(loadConfig({ CITYOPS_SMTP_FROM: 'ioc@thainguyen.gov.vn' }).smtpFrom).toBe(
    'ioc@thainguyen.gov.vn',
  );
});

it('names the variable of a bad value, without echoing the SMTP password', () => {
  const bad = () => loadConfig({ CITYOPS_SMTP_URL: 'http://ioc:secret@mail.example:587' });
  expect(bad).toThrow(ConfigError);
  expect(bad).toThrow(/^CITYOPS_SMTP_URL: must be a URL starting with smtp:\/\/ or smtps:\/\/$/);
  expect(() => loadConfig({ CITYOPS_SMTP_FROM: 'not an address' })).toThrow(/^CITYOPS_SMTP_FROM:/);
});
