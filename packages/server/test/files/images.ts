/** Test images made with sharp: a JPEG carrying camera and GPS EXIF, a PNG, a WebP. */
import sharp from 'sharp';

export const CAMERA_MAKE = 'CityOpsTestCam';

/** A JPEG whose EXIF holds a camera make and a GPS position (Thái Nguyên). */
export function jpegWithGps(width = 1200, height = 800): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 90, g: 120, b: 150 } } })
    .jpeg()
    .withExif({
      IFD0: { Make: CAMERA_MAKE, Model: 'T1', Copyright: 'Reporter private' },
      IFD3: {
        GPSLatitudeRef: 'N',
        GPSLatitude: '21/1 35/1 3300/100',
        GPSLongitudeRef: 'E',
        GPSLongitude: '105/1 50/1 3900/100',
      },
    })
    .toBuffer();
}

export function png(width = 400, height = 300): Promise<Buffer> {
  return sharp({
    create: { width, height, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0.5 } },
  })
    .png()
    .toBuffer();
}

export function webp(width = 400, height = 300): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: '#336699' } })
    .webp()
    .toBuffer();
}

/** A multipart/form-data body with one file (and optional text fields). */
export function multipartBody(
  file: { field: string; name: string; type: string; bytes: Buffer },
  fields: Array<[string, string]> = [],
): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----cityops${Date.now().toString(16)}`;
  const parts: Buffer[] = [];
  for (const [k, v] of fields) {
    parts.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`),
    );
  }
  parts.push(
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="${file.field}"; filename="${file.name}"\r\n` +
        `Content-Type: ${file.type}\r\n\r\n`,
    ),
    file.bytes,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  );
  return {
    payload: Buffer.concat(parts),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}
