/**
 * After a phone sign-in: the reports this device sent anonymously (its
 * follow tokens) move into the account, so that they show on any device and
 * their notifications follow the account. The server revokes the claimed
 * tokens; tokens still needed by a report waiting in the outbox are kept for
 * a later sign-in, and tokens the server no longer knows are dropped.
 */
import { ApiError } from '../../ui/api/errors';
import { citizenApi } from '../api';
import { outboxDb } from '../outbox/db';
import { identity } from './identity';

export async function claimAnonymous(token: string): Promise<number> {
  const waiting = new Set<string>();
  try {
    for (const item of await outboxDb.all()) {
      if (item.state === 'sent') continue;
      if (item.token) waiting.add(item.token);
      if (item.sender) waiting.add(item.sender);
    }
  } catch {
    // No IndexedDB: nothing waits.
  }
  let tokens = identity.get().followTokens.filter((t) => !waiting.has(t));
  for (let round = 0; round < 2 && tokens.length > 0; round++) {
    try {
      const { reports } = await citizenApi.claim(token, tokens.slice(0, 50));
      for (const t of tokens.slice(0, 50)) identity.dropToken(t);
      return reports;
    } catch (err) {
      // Tokens the server refused (expired, already claimed) are of no more use; the rest again.
      const bad = new Set(
        err instanceof ApiError && err.status === 400
          ? err.fieldErrors
              .map((e) => /^followTokens\.(\d+)$/.exec(e.path)?.[1])
              .filter((i): i is string => i !== undefined)
              .map((i) => tokens[Number(i)]!)
          : [],
      );
      if (bad.size === 0) throw err;
      for (const t of bad) identity.dropToken(t);
      tokens = tokens.filter((t) => !bad.has(t));
    }
  }
  return 0;
}
