/**
 * Photo uploads: the type read from the bytes (JPEG, PNG, WebP, HEIC; anything else
 * 415 whatever its name or declared type), the size limit (413), metadata
 * stripped (a JPEG with GPS EXIF comes out without it), 320-pixel
 * thumbnails, attaching only one's own upload, and the same through the S3
 * store (against the fake S3 server of s3.test.ts).
 */
import fs from 'node:fs/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import sharp from 'sharp';
import type { UploadedFile } from '@cityops/contracts';
import { describeEachDb } from '../support/db.js';
import { useTestCityOps } from '../support/app.js';
import { createAgencies, places, tempDataDir } from '../reports/harness.js';
import { CAMERA_MAKE, jpegWithGps, multipartBody, png, webp } from './images.js';
import { FakeS3 } from './fake-s3.js';

const LIMIT = 300_000;

function suite(kind: Parameters<Parameters<typeof describeEachDb>[1]>[0], store: 'folder' | 's3') {
  const s3 = new FakeS3();
  const env: Record<string, string> = {
    CITYOPS_DATA_DIR: tempDataDir(),
    CITYOPS_UPLOAD_LIMIT: String(LIMIT),
  };
  beforeAll(async () => {
    if (store === 's3') env.CITYOPS_S3_URL = await s3.start();
  });
  afterAll(async () => {
    if (store === 's3') await s3.close();
  });
  const t = useTestCityOps(kind, { env });

  const upload = (bytes: Buffer, type = 'image/jpeg', caller = t().anonymous) => {
    const { payload, headers } = multipartBody({ field: 'file', name: 'photo.jpg', type, bytes });
    return caller.request('POST', '/api/v1/files', payload, headers);
  };

  beforeAll(async () => {
    await createAgencies(t().admin);
  });

  it('stores a JPEG without its EXIF and GPS metadata, with a thumbnail', async () => {
    const original = await jpegWithGps(1200, 800);
    expect((await sharp(original).metadata()).exif).toBeDefined();
    expect(original.includes(CAMERA_MAKE)).toBe(true);
    const res = await upload(original);
    expect(res.statusCode, res.body).toBe(201);
    const file = res.json<UploadedFile>();
    expect(file).toMatchObject({ contentType: 'image/jpeg', width: 1200, height: 800 });
    const stored = await t().cityops.files.service.read(file.id, 'full');
    const meta = await sharp(stored.bytes).metadata();
    expect(meta.exif).toBeUndefined();
    expect(meta.format).toBe('jpeg');
    expect(stored.bytes.includes(CAMERA_MAKE)).toBe(false);
    expect(stored.bytes.includes('Exif')).toBe(false);
    const thumb = await t().cityops.files.service.read(file.id, 'thumb');
    const tm = await sharp(thumb.bytes).metadata();
    expect([tm.width, tm.height]).toEqual([320, 213]);
    expect(tm.exif).toBeUndefined();
  });

  it('accepts PNG and WebP, and a raw body with an image type', async () => {
    const p = await upload(await png(), 'image/png');
    expect(p.json<UploadedFile>().contentType).toBe('image/png');
    const w = await upload(await webp(), 'image/webp');
    expect(w.json<UploadedFile>().contentType).toBe('image/webp');
    const raw = await t().anonymous.request('POST', '/api/v1/files', await png(), {
      'content-type': 'image/png',
    });
    expect(raw.statusCode, raw.body).toBe(201);
  });

  it('accepts a real HEIC photo, stored as JPEG without its EXIF', async () => {
    // fixtures/photo.heic: a 320×240 JPEG with GPS EXIF (jpegWithGps) encoded by libheif's
    // heif-enc 1.15 (Debian libheif-examples: `heif-enc -q 40 in.jpg -o photo.heic`), EXIF kept.
    const heic = await fs.readFile(new URL('./fixtures/photo.heic', import.meta.url));
    expect(heic.subarray(4, 12).toString('latin1')).toBe('ftypheic');
    expect(heic.includes(CAMERA_MAKE)).toBe(true);
    // Named and declared as a JPEG: the bytes decide.
    const res = await upload(heic, 'image/jpeg');
    expect(res.statusCode, res.body).toBe(201);
    const file = res.json<UploadedFile>();
    expect(file).toMatchObject({ contentType: 'image/jpeg', width: 320, height: 240 });
    const stored = await t().cityops.files.service.read(file.id, 'full');
    const meta = await sharp(stored.bytes).metadata();
    expect(meta.format).toBe('jpeg');
    expect(meta.exif).toBeUndefined();
    expect(stored.bytes.includes(CAMERA_MAKE)).toBe(false);
    const thumb = await t().cityops.files.service.read(file.id, 'thumb');
    expect((await sharp(thumb.bytes).metadata()).format).toBe('jpeg');
    // A HEIC header over bytes that are not a HEVC image: refused, not stored.
    const broken = Buffer.concat([heic.subarray(0, 40), Buffer.alloc(400, 7)]);
    const bad = await upload(broken, 'image/heic');
    expect(bad.statusCode, bad.body).toBe(415);
  });

  it('refuses what is not an image, whatever it claims (415)', async () => {
    for (const bytes of [
      Buffer.from('%PDF-1.7\n...'),
      Buffer.from('GIF89a....'),
      Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'),
    ]) {
      const res = await upload(bytes, 'image/jpeg');
      expect(res.statusCode, res.body).toBe(415);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json<{ detail: string }>().detail).toMatch(/JPEG, PNG, WebP and HEIC/);
    }
    const text = await t().anonymous.request('POST', '/api/v1/files', 'hello', {
      'content-type': 'text/plain',
    });
    expect(text.statusCode).toBe(415);
  });

  it('refuses a photo over the size limit (413)', async () => {
    const big = await sharp({
      create: {
        width: 2000,
        height: 2000,
        channels: 3,
        background: '#808080',
        noise: { type: 'gaussian', mean: 128, sigma: 60 },
      },
    })
      .jpeg({ quality: 100 })
      .toBuffer();
    expect(big.length).toBeGreaterThan(LIMIT);
    const res = await upload(big);
    expect(res.statusCode, res.body.slice(0, 200)).toBe(413);
    const raw = await t().anonymous.request('POST', '/api/v1/files', big, {
      'content-type': 'image/jpeg',
    });
    expect(raw.statusCode).toBe(413);
  });

  it("attaches one's own upload to a report, and nobody else's", async () => {
    const citizen = t().anonymous;
    const mine = (await upload(await jpegWithGps(), 'image/jpeg', t().admin)).json<UploadedFile>();
    const [lon, lat] = places.phanDinhPhung.at;
    const body = { categoryCode: 'other', description: 'x', lat, lon, photoIds: [mine.id] };
    const res = await citizen.post('/api/v1/citizen/reports', body);
    expect(res.statusCode).toBe(400);
    expect(res.json<{ errors: Array<{ path: string; message: string }> }>().errors[0]).toEqual({
      path: 'photoIds.0',
      message: `upload ${mine.id} was sent by someone else`,
    });
    const anon = (await upload(await png(), 'image/png')).json<UploadedFile>();
    const ok = await citizen.post('/api/v1/citizen/reports', { ...body, photoIds: [anon.id] });
    expect(ok.statusCode, ok.body).toBe(201);
    const again = await citizen.post('/api/v1/citizen/reports', { ...body, photoIds: [anon.id] });
    expect(again.json<{ errors: Array<{ message: string }> }>().errors[0]!.message).toMatch(
      /already attached/,
    );
  });

  if (store === 's3') {
    it('keeps the bytes in the bucket', () => {
      expect(s3.objects.size).toBeGreaterThanOrEqual(2);
      expect([...s3.objects.keys()].some((k) => k.endsWith('-thumb.jpg'))).toBe(true);
      expect(s3.refused).toBe(0);
    });
  }
}

describeEachDb('files: photo uploads (local folder)', (kind) => suite(kind, 'folder'));
describeEachDb('files: photo uploads (S3 store)', (kind) => suite(kind, 's3'));
