/** Who is uploading, from the caller of a request. */
import type { Principal } from '../core/auth/principal.js';
import type { Uploader } from './files.service.js';

export function uploaderOf(p: Principal | null): Uploader {
  if (!p) return { type: 'anonymous', id: null };
  switch (p.kind) {
    case 'user':
      return { type: 'user', id: p.id };
    case 'apikey':
      return { type: 'apikey', id: p.id };
    case 'citizen':
      return { type: 'citizen', id: p.id };
    case 'device':
      return { type: 'anonymous', id: null };
  }
}
