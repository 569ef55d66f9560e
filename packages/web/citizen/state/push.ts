/**
 * Web push notifications: this browser's push subscription, registered with
 * the server under every citizen token the device holds (the phone sign-in and
 * the follow tokens of anonymous reports), so that status changes of the
 * citizen's reports and of those they follow arrive while the app is closed.
 * The service worker (sw.js) shows them in the language chosen here. On/off
 * is remembered in localStorage; turning off removes the subscription from
 * the server and from the browser.
 */
import { useSyncExternalStore } from 'react';
import { ApiError } from '../../ui/api/errors';
import { citizenApi } from '../api';
import { identity } from './identity';

const KEY = 'cityops.citizen.push';
const EVENT = 'cityops:push-state';

export type PushState = 'unsupported' | 'blocked' | 'off' | 'on';

export function pushSupported(): boolean {
  return (
    typeof window !== 'undefined' &&
    'serviceWorker' in navigator &&
    'PushManager' in window &&
    'Notification' in window
  );
}

function read(): PushState {
  if (!pushSupported()) return 'unsupported';
  if (Notification.permission === 'denied') return 'blocked';
  let on = false;
  try {
    on = localStorage.getItem(KEY) === 'on';
  } catch {
    on = false;
  }
  return on && Notification.permission === 'granted' ? 'on' : 'off';
}

function remember(on: boolean): void {
  try {
    if (on) localStorage.setItem(KEY, 'on');
    else localStorage.removeItem(KEY);
  } catch {
    // Storage disabled: the choice lasts for this page only.
  }
  window.dispatchEvent(new Event(EVENT));
}

export function usePushState(): PushState {
  return useSyncExternalStore((cb) => {
    window.addEventListener(EVENT, cb);
    return () => window.removeEventListener(EVENT, cb);
  }, read);
}

/** The VAPID key as PushManager.subscribe wants it. */
function keyBytes(base64url: string): Uint8Array<ArrayBuffer> {
  const b64 = base64url.replace(/-/g, '+').replace(/_/g, '/');
  const raw = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  const out = new Uint8Array(new ArrayBuffer(raw.length));
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
  return out;
}

async function registration(): Promise<ServiceWorkerRegistration> {
  const reg = await Promise.race([
    navigator.serviceWorker.ready,
    new Promise<undefined>((r) => setTimeout(() => r(undefined), 5000)),
  ]);
  if (!reg) throw new Error('no service worker');
  return reg;
}

/** Registers this browser's subscription under every token of the device, in `lang`. */
async function register(sub: PushSubscription, lang: 'vi' | 'en'): Promise<void> {
  const json = sub.toJSON();
  const keys = json.keys ?? {};
  for (const token of identity.allTokens()) {
    try {
      await citizenApi.pushSubscribe(token, {
        endpoint: sub.endpoint,
        expirationTime: sub.expirationTime,
        keys: { p256dh: keys.p256dh ?? '', auth: keys.auth ?? '' },
        lang,
      });
    } catch (err) {
      // A token the server no longer knows is dropped by the next refresh of my reports.
      if (!(err instanceof ApiError && err.status === 401)) throw err;
    }
  }
}

/** Turns notifications on: asks permission, subscribes, registers with the server. */
export async function enablePush(lang: 'vi' | 'en'): Promise<PushState> {
  if (!pushSupported()) return 'unsupported';
  const permission = await Notification.requestPermission();
  if (permission !== 'granted') {
    remember(false);
    return read();
  }
  const reg = await registration();
  const { publicKey } = await citizenApi.pushKey();
  const sub =
    (await reg.pushManager.getSubscription()) ??
    (await reg.pushManager.subscribe({
      userVisibleOnly: true,
      applicationServerKey: keyBytes(publicKey),
    }));
  await register(sub, lang);
  remember(true);
  return 'on';
}

/** Turns notifications off: removed from the server (every token), then from the browser. */
export async function disablePush(): Promise<void> {
  remember(false);
  if (!pushSupported()) return;
  const reg = await registration().catch(() => undefined);
  const sub = await reg?.pushManager.getSubscription();
  if (!sub) return;
  for (const token of identity.allTokens()) {
    await citizenApi.pushUnsubscribe(token, sub.endpoint).catch(() => undefined);
  }
  await sub.unsubscribe().catch(() => false);
}

/**
 * While on: registers again for the tokens the device holds now (a new
 * report's follow token, a sign-in) and the language shown now.
 */
export async function syncPush(lang: 'vi' | 'en'): Promise<void> {
  if (read() !== 'on') return;
  const reg = await registration().catch(() => undefined);
  const sub = await reg?.pushManager.getSubscription();
  if (!sub) {
    remember(false);
    return;
  }
  await register(sub, lang).catch(() => undefined);
}
