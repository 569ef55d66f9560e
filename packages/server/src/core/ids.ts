/** Identifiers: time-ordered UUIDs (v7), so that keyset pagination follows creation order. */
import { v7 } from 'uuid';

export function newId(): string {
  return v7();
}
