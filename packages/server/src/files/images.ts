/**
 * Photos as CityOps keeps them: the type read from the bytes (JPEG, PNG, WebP
 * or HEIC; the name and the declared type are not trusted), HEIC decoded to
 * JPEG, turned upright, and re-encoded with sharp, which writes no metadata:
 * EXIF (GPS position, camera, time), XMP and ICC profiles of the original
 * never reach the store. A 320-pixel thumbnail goes with each.
 */
import { fileTypeFromBuffer } from 'file-type';
import { AppError, PayloadTooLargeError } from '../core/errors.js';
import { lazyModule } from '../core/lazy-module.js';

const loadSharp = lazyModule(async () => (await import('sharp')).default);
const loadHeicConvert = lazyModule(async () => (await import('heic-convert')).default);

export const ACCEPTED_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/heic'] as const;
export const THUMB_SIZE = 320;
/** Larger images are refused before decoding (a 16,000 × 3,000 panorama is 48 Mpx). */
const MAX_PIXELS = 50_000_000;
/** Longest side kept; phone photos are scaled down to it. */
const MAX_SIDE = 2560;

export class UnsupportedMediaTypeError extends AppError {
  constructor(detail: string) {
    super('unsupported-media-type', 415, 'Unsupported media type', detail);
  }
}

export interface ProcessedImage {
  contentType: 'image/jpeg' | 'image/png' | 'image/webp';
  extension: 'jpg' | 'png' | 'webp';
  bytes: Buffer;
  width: number;
  height: number;
  thumb: Buffer;
}

/** What the bytes are, among the accepted types; undefined for anything else. */
export async function sniffImage(
  bytes: Buffer,
): Promise<(typeof ACCEPTED_TYPES)[number] | undefined> {
  const type = await fileTypeFromBuffer(bytes);
  if (!type) return undefined;
  if (type.mime === 'image/heic' || type.mime === 'image/heif') return 'image/heic';
  return (ACCEPTED_TYPES as readonly string[]).includes(type.mime)
    ? (type.mime as (typeof ACCEPTED_TYPES)[number])
    : undefined;
}

export async function processImage(bytes: Buffer, limit: number): Promise<ProcessedImage> {
  if (bytes.length > limit) {
    throw new PayloadTooLargeError(
      `A photo may have at most ${limit} bytes; this one has ${bytes.length}.`,
    );
  }
  const type = await sniffImage(bytes);
  if (!type) {
    throw new UnsupportedMediaTypeError('Only JPEG, PNG, WebP and HEIC photos are accepted.');
  }
  let input = bytes;
  if (type === 'image/heic') {
    const heicConvert = await loadHeicConvert();
    try {
      input = Buffer.from(await heicConvert({ buffer: bytes, format: 'JPEG', quality: 0.9 }));
    } catch {
      throw new UnsupportedMediaTypeError('The HEIC photo could not be decoded.');
    }
  }
  const out: Pick<ProcessedImage, 'contentType' | 'extension'> =
    type === 'image/png'
      ? { contentType: 'image/png', extension: 'png' }
      : type === 'image/webp'
        ? { contentType: 'image/webp', extension: 'webp' }
        : { contentType: 'image/jpeg', extension: 'jpg' };
  const sharp = await loadSharp();
  try {
    // rotate() applies the EXIF orientation before the metadata is dropped.
    const base = sharp(input, { limitInputPixels: MAX_PIXELS, failOn: 'error' })
      .rotate()
      .resize({ width: MAX_SIDE, height: MAX_SIDE, fit: 'inside', withoutEnlargement: true });
    const encoded =
      out.extension === 'png'
        ? base.png({ compressionLevel: 8 })
        : out.extension === 'webp'
          ? base.webp({ quality: 85 })
          : base.jpeg({ quality: 85, mozjpeg: true });
    const { data, info } = await encoded.toBuffer({ resolveWithObject: true });
    const thumb = await sharp(data)
      .resize({ width: THUMB_SIZE, height: THUMB_SIZE, fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' })
      .jpeg({ quality: 75 })
      .toBuffer();
    return { ...out, bytes: data, width: info.width, height: info.height, thumb };
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw new UnsupportedMediaTypeError(`The photo could not be read: ${(err as Error).message}`);
  }
}
