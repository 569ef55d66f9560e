/**
 * Photos of reports in the browser: shrunk to at most 1600 px and re-encoded
 * as JPEG with a canvas before upload (a phone's 12 MP photo becomes a few
 * hundred kB, which matters on a slow connection), and sent to
 * POST /api/v1/files as the raw body.
 */
import type { UploadedFile } from '@cityops/contracts';
import { ApiError, problemFrom } from '../api/errors';

export const MAX_PHOTO_EDGE = 1600;
const QUALITY = 0.85;

async function decode(file: Blob): Promise<CanvasImageSource & { width: number; height: number }> {
  if ('createImageBitmap' in window) {
    try {
      return await createImageBitmap(file, { imageOrientation: 'from-image' });
    } catch {
      // Some formats decode only through <img>; try that below.
    }
  }
  const url = URL.createObjectURL(file);
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    return img;
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** The photo as a JPEG no larger than `max` pixels on its longer side. */
export async function resizePhoto(file: Blob, max = MAX_PHOTO_EDGE): Promise<Blob> {
  const img = await decode(file);
  const scale = Math.min(1, max / Math.max(img.width, img.height));
  const width = Math.max(1, Math.round(img.width * scale));
  const height = Math.max(1, Math.round(img.height * scale));
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2D canvas');
  ctx.drawImage(img, 0, 0, width, height);
  if ('close' in img && typeof img.close === 'function') img.close();
  return new Promise<Blob>((resolve, reject) =>
    canvas.toBlob(
      (blob) => (blob ? resolve(blob) : reject(new Error('the photo could not be encoded'))),
      'image/jpeg',
      QUALITY,
    ),
  );
}

/** Uploads one photo; `token` is the caller's bearer token (the same caller attaches it). */
export async function uploadPhoto(
  photo: Blob,
  token: string | null,
  signal?: AbortSignal,
): Promise<UploadedFile> {
  let res: Response;
  try {
    res = await fetch('/api/v1/files', {
      method: 'POST',
      headers: {
        accept: 'application/json',
        'content-type': photo.type || 'image/jpeg',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: photo,
      ...(signal ? { signal } : {}),
    });
  } catch (err) {
    if (signal?.aborted) throw err;
    throw new ApiError(0, null, `Network error: ${(err as Error).message}`);
  }
  if (!res.ok) {
    const problem = await problemFrom(res);
    throw new ApiError(res.status, problem, problem.detail ?? problem.title);
  }
  return (await res.json()) as UploadedFile;
}
