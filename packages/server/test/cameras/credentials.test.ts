/**
 * Camera credentials at rest: sealed with AES-256-GCM under the process key,
 * never in an API answer, the audit trail or the log.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { sql } from '../../src/core/db/sql.js';
import { SecretBox, loadSecretKey, parseSecretKey } from '../../src/core/auth/secret-box.js';
import { createCityOps } from '../../src/main.js';
import { systemActor } from '../../src/core/auth/principal.js';
import { describeEachDb, openTestDb } from '../support/db.js';
import { callerFor, testConfig, useTestCityOps } from '../support/app.js';
import { createCamera } from './factories.js';

const PASSWORD = 'Cam-Pa55-very-secret-9731';
const USERNAME = 'operator-login-5512';

describe('the secret box', () => {
  const box = new SecretBox(Buffer.alloc(32, 7));

  it('seals to text that holds neither the value nor its base64, and opens it back', () => {
    const sealed = box.seal(PASSWORD, 'password');
    expect(sealed.startsWith('v1:')).toBe(true);
    expect(sealed).not.toContain(PASSWORD);
    expect(sealed).not.toContain(Buffer.from(PASSWORD).toString('base64'));
    expect(box.seal(PASSWORD, 'password')).not.toBe(sealed); // a fresh nonce each time
    expect(box.open(sealed, 'password')).toBe(PASSWORD);
  });

  it('refuses another key, another field and an altered value', () => {
    const sealed = box.seal(PASSWORD, 'password');
    expect(() => new SecretBox(Buffer.alloc(32, 8)).open(sealed, 'password')).toThrow();
    expect(() => box.open(sealed, 'username')).toThrow();
    const raw = Buffer.from(sealed.slice(3), 'base64url');
    raw[raw.length - 1] = raw[raw.length - 1]! ^ 1;
    expect(() => box.open('v1:' + raw.toString('base64url'), 'password')).toThrow();
  });

  it('reads keys in hex and base64, and refuses others', () => {
    expect(parseSecretKey('ab'.repeat(32))?.length).toBe(32);
    expect(parseSecretKey(Buffer.alloc(32, 1).toString('base64'))?.length).toBe(32);
    expect(parseSecretKey('short')).toBeUndefined();
    expect(() => testConfig({ CITYOPS_SECRET_KEY: 'not-a-key' })).toThrow(
      /^CITYOPS_SECRET_KEY: must be 32 bytes/,
    );
  });

  it('makes a key file readable by its owner only on first start, and reuses it', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'cityops-key-'));
    try {
      const [a, b] = await Promise.all([
        loadSecretKey({ secretKey: undefined, dataDir: dir }),
        loadSecretKey({ secretKey: undefined, dataDir: dir }),
      ]);
      expect(a.equals(b)).toBe(true);
      const stat = await fs.stat(path.join(dir, 'secret.key'));
      expect(stat.mode & 0o777).toBe(0o600);
      expect((await loadSecretKey({ secretKey: undefined, dataDir: dir })).equals(a)).toBe(true);
      expect((await fs.readdir(dir)).sort()).toEqual(['secret.key']);
      const given = Buffer.alloc(32, 3).toString('hex');
      expect(
        (await loadSecretKey({ secretKey: given, dataDir: dir })).equals(Buffer.alloc(32, 3)),
      ).toBe(true);
      // A file holding something else stops the start, naming the file; it is left as it was.
      await fs.writeFile(path.join(dir, 'secret.key'), 'not a key\n');
      await expect(loadSecretKey({ secretKey: undefined, dataDir: dir })).rejects.toThrow(
        /secret\.key: not a key of 32 bytes/,
      );
      expect(await fs.readFile(path.join(dir, 'secret.key'), 'utf8')).toBe('not a key\n');
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});

describeEachDb('cameras: credentials at rest', (kind) => {
  const t = useTestCityOps(kind, {
    env: { CITYOPS_SECRET_KEY: Buffer.alloc(32, 42).toString('base64') },
  });

  it('stores sealed bytes, opens them for the server, and never answers them', async () => {
    const { admin, cityops } = t();
    const cam = await createCamera(admin, {
      properties: {
        username: USERNAME,
        password: PASSWORD,
        snapshotUrl: 'http://127.0.0.1:9/s.jpg',
      },
    });
    const [row] = await cityops.db.query<{ secrets: unknown }>(
      sql`SELECT secrets::text AS secrets FROM assets WHERE id = ${cam.id}`,
    );
    const stored = String(row!.secrets);
    expect(stored).not.toContain(PASSWORD);
    expect(stored).not.toContain(USERNAME);
    expect(stored).toMatch(/"password": "v1:/);

    const source = await cityops.cameras.service.loadCameraSource(cam.id, { all: true });
    expect(source.password).toBe(PASSWORD);
    expect(source.username).toBe(USERNAME);

    const answers = [
      await admin.get(`/api/v1/assets/${cam.id}`),
      await admin.get(`/api/v1/cameras/${cam.id}`),
      await admin.get('/api/v1/cameras?limit=1000'),
      await admin.get(`/api/v1/audit?entity=${cam.id}`),
      await admin.patch(`/api/v1/assets/${cam.id}`, { properties: { password: 'x-' + PASSWORD } }),
      await admin.get(`/api/v1/audit?entity=${cam.id}`),
    ];
    for (const a of answers) {
      expect(a.statusCode, a.body).toBeLessThan(300);
      expect(a.body).not.toContain(PASSWORD);
      expect(a.body).not.toContain(USERNAME);
    }
    const one = answers[1]!.json<{ hasCredentials: boolean; properties: object }>();
    expect(one.hasCredentials).toBe(true);
    expect(one.properties).not.toHaveProperty('password');
    // The whole audit table, raw.
    const audit = await cityops.db.query<{ t: string }>(
      sql`SELECT row_to_json(l)::text AS t FROM audit_log l`,
    );
    expect(audit.map((r) => r.t).join('\n')).not.toContain(PASSWORD);
  });

  it('a key other than the one that sealed them reads no credentials', async () => {
    const { admin, testDb } = t();
    const cam = await createCamera(admin, {
      properties: { username: USERNAME, password: PASSWORD },
    });
    const other = await createCityOps({
      config: testConfig({ CITYOPS_SECRET_KEY: Buffer.alloc(32, 43).toString('base64') }),
      db: testDb.db,
      log: false,
    });
    try {
      const source = await other.cameras.service.loadCameraSource(cam.id, { all: true });
      expect(source.password).toBeUndefined();
      expect(source.username).toBeUndefined();
    } finally {
      await other.close();
    }
  });
});

describe('cameras: credentials never reach the log', () => {
  it('logs requests that carry credentials without them, at the most verbose level', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        lines.push(chunk.toString());
        cb();
      },
    });
    const testDb = await openTestDb('pglite');
    const cityops = await createCityOps({
      config: testConfig(),
      db: testDb.db,
      log: pino({ level: 'trace' }, sink),
    });
    try {
      await cityops.app.ready();
      await cityops.people.users.create(systemActor, {
        email: 'log-admin@test.local',
        password: 'admin-password-123',
        name: 'A',
        role: 'administrator',
        units: [],
        agencies: [],
        locale: 'en',
      });
      const login = await cityops.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: 'log-admin@test.local', password: 'admin-password-123' },
      });
      const admin = callerFor(cityops, login.json<{ token: string }>().token);
      const cam = await createCamera(admin, {
        properties: { username: USERNAME, password: PASSWORD },
      });
      await admin.get(`/api/v1/cameras/${cam.id}`);
      await admin.post('/api/v1/assets', {
        type: 'camera',
        code: 'BAD',
        properties: { password: PASSWORD },
      });
      expect(lines.length).toBeGreaterThan(3);
      const log = lines.join('');
      expect(log).not.toContain(PASSWORD);
      expect(log).not.toContain(USERNAME);
    } finally {
      await cityops.close();
      await testDb.drop();
    }
  }, 120_000);
});
