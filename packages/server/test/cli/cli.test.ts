/** The `cityops` command in real child processes: settings, users, keys, audit, the data-folder lock, shutdown. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs/promises';
import path from 'node:path';
import { runCli, startCli, templateDataDir, waitForOutput } from '../support/cli.js';

describe('cityops CLI', { timeout: 120_000 }, () => {
  let dataDir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    dataDir = await templateDataDir();
    env = { CITYOPS_DATA_DIR: dataDir };
  });
  afterAll(async () => {
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it('stops on a bad setting with one line naming the variable', async () => {
    const res = await runCli(['migrate'], { ...env, CITYOPS_PORT: 'eighty' });
    expect(res.code).toBe(1);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
    expect(res.stderr).toMatch(/^cityops: CITYOPS_PORT: .*"eighty"/);
    const url = await runCli(['migrate'], { ...env, CITYOPS_DATABASE_URL: 'mysql://x' });
    expect(url.stderr).toMatch(/CITYOPS_DATABASE_URL: must be a URL starting with postgres:/);
  });

  it('stops with one line when a port is taken', async () => {
    const net = await import('node:net');
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = String((blocker.address() as { port: number }).port);
    try {
      const http = await runCli(['serve'], { ...env, CITYOPS_PORT: port, CITYOPS_DEMO: '0' });
      expect(http.code).toBe(1);
      expect(http.stderr.trim()).toMatch(
        /^cityops: CITYOPS_PORT: cannot listen on 127\.0\.0\.1:\d+: the port is in use/,
      );
      const mqtt = await runCli(['serve'], {
        ...env,
        CITYOPS_PORT: '0',
        CITYOPS_MQTT_PORT: port,
        CITYOPS_DEMO: '0',
      });
      expect(mqtt.code).toBe(1);
      expect(mqtt.stderr.trim().split('\n')).toHaveLength(1);
      expect(mqtt.stderr).toMatch(/^cityops: CITYOPS_MQTT_PORT: /);
    } finally {
      blocker.close();
    }
  });

  it('lists its commands', async () => {
    const res = await runCli(['--help'], env);
    expect(res.code).toBe(0);
    for (const cmd of ['serve', 'migrate', 'seed', 'user', 'apikey', 'geo', 'assets', 'audit'])
      expect(res.stdout).toContain(cmd);
  });

  it('adds users, refusing bad input with a clear message', async () => {
    const ok = await runCli(
      [
        'user',
        'add',
        '--email',
        'ops@example.vn',
        '--password',
        'a-long-password',
        '--role',
        'operator',
        '--unit',
        '19-phuong-phan-dinh-phung',
      ],
      env,
    );
    expect(ok.stderr).toBe('');
    expect(ok.stdout).toMatch(/created operator ops@example.vn/);
    const badRole = await runCli(
      ['user', 'add', '--email', 'x@example.vn', '--password', 'a-long-password', '--role', 'king'],
      env,
    );
    expect(badRole.code).toBe(1);
    expect(badRole.stderr).toMatch(/king/);
    const badUnit = await runCli(
      [
        'user',
        'add',
        '--email',
        'y@example.vn',
        '--password',
        'a-long-password',
        '--role',
        'viewer',
        '--unit',
        'NOWHERE',
      ],
      env,
    );
    expect(badUnit.code).toBe(1);
    expect(badUnit.stderr).toMatch(/units\.0: no admin unit has the code NOWHERE/);
    const list = await runCli(['user', 'list'], env);
    expect(list.stdout).toContain('ops@example.vn\toperator\tactive\t19-phuong-phan-dinh-phung');
    expect(list.stdout).not.toContain('y@example.vn');
  });

  it('creates an API key and prints it alone on the last line', async () => {
    const res = await runCli(
      ['apikey', 'create', '--name', 'Open311 app', '--scope', 'open311'],
      env,
    );
    expect(res.code).toBe(0);
    const lines = res.stdout.trim().split('\n');
    expect(lines[lines.length - 1]).toMatch(/^cok_[A-Za-z0-9_-]{43}$/);
  });

  it('rewrites the assets table in spatial order, audited', async () => {
    const res = await runCli(['assets', 'cluster'], env);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(
      /^clustered \d+ assets in [\d.]+ s \(table pages: \d+ before, \d+ after\)$/m,
    );
  });

  it('verifies the audit chain', async () => {
    const res = await runCli(['audit', 'verify'], env);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/audit log intact: \d+ entries/);
  });

  it('serves; a second process on the same data folder stops with a clear message; SIGTERM shuts down cleanly', async () => {
    const server = startCli(['serve'], { ...env, CITYOPS_PORT: '0', CITYOPS_DEMO: '0' });
    try {
      await waitForOutput(server, /CityOps console: http:\/\/127\.0\.0\.1:\d+\//);
      const second = await runCli(['user', 'list'], env);
      expect(second.code).toBe(1);
      expect(second.stderr).toMatch(
        new RegExp(`in use by another CityOps process \\(pid ${server.pid}\\)`),
      );
      const exited = new Promise<number | null>((resolve) =>
        server.on('exit', (code) => resolve(code)),
      );
      server.kill('SIGTERM');
      expect(await exited).toBe(0);
      await expect(fs.access(path.join(dataDir, 'cityops.lock'))).rejects.toThrow();
    } finally {
      server.kill('SIGKILL');
    }
    // The folder is free again.
    expect((await runCli(['user', 'list'], env)).code).toBe(0);
  });
});
