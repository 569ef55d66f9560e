/**
 * The RTSP check against a real RTSP source (test/support/rtsp-server.ts:
 * ffmpeg's test pattern behind an RTSP server with Digest or Basic), and a
 * silent one that accepts TCP and never answers. Protocol only: the storage
 * side of probes runs on both databases in health.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRtspServer, type RtspServer } from '../support/rtsp-server.js';
import { probeRtsp } from '../../src/cameras/probe/rtsp.js';

const creds = { username: 'viewer', password: 'Rtsp-Pass-42' };

describe('cameras: RTSP check against a real RTSP source', () => {
  let digest: RtspServer;
  let basic: RtspServer;
  let silent: RtspServer;

  beforeAll(async () => {
    [digest, basic, silent] = await Promise.all([
      startRtspServer({ auth: { scheme: 'digest', ...creds } }),
      startRtspServer({ auth: { scheme: 'basic', ...creds } }),
      startRtspServer({ mode: 'silent' }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([digest?.close(), basic?.close(), silent?.close()]);
  });

  it('answers with Digest and Basic credentials, stored apart or in the URL', async () => {
    const d = await probeRtsp(digest.url, creds, 3000);
    expect(d.ok, JSON.stringify(d)).toBe(true);
    expect(d.detail).toMatch(/^DESCRIBE 200, [1-9] media$/);
    expect(digest.requests.some((r) => r.method === 'DESCRIBE' && r.authorized)).toBe(true);
    expect((await probeRtsp(basic.url, creds, 3000)).ok).toBe(true);
    expect((await probeRtsp(digest.urlWithCredentials, undefined, 3000)).ok).toBe(true);
  });

  it('names a wrong password, a wrong path, and a silent server', async () => {
    expect((await probeRtsp(digest.url, { ...creds, password: 'no' }, 3000)).code).toBe(
      'unauthorized',
    );
    const other = await probeRtsp(digest.url.replace(/\/[^/]*$/, '/nothing'), creds, 3000);
    expect(other.ok).toBe(false);
    expect(other.code).toBe('rtsp_error');
    const quiet = await probeRtsp(silent.url, undefined, 300);
    expect(quiet.code).toBe('timeout');
    expect(quiet.ms).toBeGreaterThanOrEqual(290);
  });
});
