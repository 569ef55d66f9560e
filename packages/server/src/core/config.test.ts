/** Settings: defaults, and one clear line naming a bad variable. */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('applies the defaults of the contract', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      mqttPort: 1883,
      adminEmail: 'admin@cityops.local',
      demo: false,
      databaseUrl: undefined,
      mqttUrl: undefined,
      timezone: 'Asia/Ho_Chi_Minh',
    });
    expect(c.dataDir.endsWith('/data')).toBe(true);
  });

  it('reads every setting', () => {
    const c = loadConfig({
      CITYOPS_PORT: '9000',
      CITYOPS_DATABASE_URL: 'postgres://u:p@db:5432/cityops',
      CITYOPS_MQTT_URL: 'mqtt://broker:1883',
      CITYOPS_MQTT_PORT: '0',
      CITYOPS_DEMO: '1',
      CITYOPS_ADMIN_EMAIL: 'Boss@Province.gov.vn',
    });
    expect(c).toMatchObject({
      port: 9000,
      mqttPort: 0,
      demo: true,
      adminEmail: 'boss@province.gov.vn',
    });
  });

  it.each([
    ['CITYOPS_PORT', '70000', /CITYOPS_PORT: .*"70000"/],
    ['CITYOPS_PORT', 'abc', /CITYOPS_PORT: .*"abc"/],
    [
      'CITYOPS_DATABASE_URL',
      'mysql://x',
      /CITYOPS_DATABASE_URL: must be a URL starting with postgres:/,
    ],
    ['CITYOPS_MQTT_URL', 'http://x', /CITYOPS_MQTT_URL: must be a URL/],
    ['CITYOPS_DEMO', 'yes', /CITYOPS_DEMO: /],
    ['CITYOPS_ADMIN_EMAIL', 'not-mail', /CITYOPS_ADMIN_EMAIL: /],
    ['CITYOPS_TIMEZONE', 'Mars/Olympus', /CITYOPS_TIMEZONE: not a known IANA time zone/],
  ])('refuses %s=%s with one line naming it', (name, value, message) => {
    let err: unknown;
    try {
      loadConfig({ [name]: value });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).not.toContain('\n');
  });

  it('never echoes a bad password', () => {
    expect(() => loadConfig({ CITYOPS_ADMIN_PASSWORD: 'short' })).toThrow(
      /^CITYOPS_ADMIN_PASSWORD: must be at least 8 characters$/,
    );
  });
});
