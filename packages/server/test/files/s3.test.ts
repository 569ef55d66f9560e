/**
 * The S3 file store. There is no S3 server on this machine: the signing is
 * checked against the worked example of AWS's Signature Version 4
 * documentation, and the store runs against a minimal S3-compatible fake
 * written here (PUT, GET, DELETE of objects in one bucket, path-style, with
 * the Authorization header recomputed and compared).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseS3Url, S3FileStore, signV4, type S3Settings } from '../../src/files/s3.store.js';
import { FakeS3 } from './fake-s3.js';

describe('S3 signature (SigV4)', () => {
  it('matches the GET Object example of the AWS documentation', () => {
    const s: S3Settings = {
      endpoint: 'https://examplebucket.s3.amazonaws.com',
      bucket: 'examplebucket',
      accessKey: 'AKIAIOSFODNN7EXAMPLE',
      secretKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      region: 'us-east-1',
    };
    const headers = signV4(s, {
      method: 'GET',
      url: new URL('https://examplebucket.s3.amazonaws.com/test.txt'),
      headers: { range: 'bytes=0-9' },
      payloadHash: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      now: new Date('2013-05-24T00:00:00Z'),
    });
    expect(headers.authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, ' +
        'SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, ' +
        'Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
    );
  });

  it('reads CITYOPS_S3_URL', () => {
    expect(parseS3Url('s3://key:se%2Fcret@minio.local:9000/photos?region=ap-southeast-1')).toEqual({
      endpoint: 'http://minio.local:9000',
      bucket: 'photos',
      accessKey: 'key',
      secretKey: 'se/cret',
      region: 'ap-southeast-1',
    });
    expect(parseS3Url('s3://k:s@s3.example.com:443/b').endpoint).toBe('https://s3.example.com:443');
    expect(() => parseS3Url('s3://host:9000/bucket')).toThrow(/access key/);
    expect(() => parseS3Url('s3://k:s@host:9000/')).toThrow(/s3:\/\//);
  });
});

describe('S3 file store against a fake S3 server', () => {
  const s3 = new FakeS3();
  let store: S3FileStore;
  beforeAll(async () => {
    store = new S3FileStore(parseS3Url(await s3.start()));
  });
  afterAll(() => s3.close());

  it('puts, gets and deletes objects with signed requests', async () => {
    await store.put('2026/03/abc-def.jpg', Buffer.from('jpeg bytes'), 'image/jpeg');
    expect(s3.objects.get('2026/03/abc-def.jpg')).toEqual({
      body: Buffer.from('jpeg bytes'),
      type: 'image/jpeg',
    });
    expect(await store.get('2026/03/abc-def.jpg')).toEqual(Buffer.from('jpeg bytes'));
    expect(await store.get('2026/03/missing.jpg')).toBeUndefined();
    await store.delete('2026/03/abc-def.jpg');
    expect(s3.objects.size).toBe(0);
    await store.delete('2026/03/abc-def.jpg');
    expect(s3.refused).toBe(0);
  });

  it('fails loudly when the server refuses the signature', async () => {
    const wrong = new S3FileStore({ ...s3.settings, secretKey: 'wrong' });
    await expect(wrong.put('a/b.jpg', Buffer.from('x'), 'image/jpeg')).rejects.toThrow(
      /S3 PUT answered 403/,
    );
    expect(s3.refused).toBe(1);
  });

  it('refuses keys it did not make', async () => {
    await expect(store.put('../etc/passwd', Buffer.from('x'), 'text/plain')).rejects.toThrow(
      /not a file key/,
    );
  });
});
