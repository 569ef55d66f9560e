/**
 * ONVIF events by PullPoint subscription: the onvif library connects
 * (GetSystemDateAndTime, GetServices or GetCapabilities for the event
 * service), creates the PullPoint subscription and renews it; PullMessages is
 * sent here, and each message's topic and State/IsMotion/IsTamper item turned
 * into a camera event (camera.motion, camera.tamper, camera.video_loss) and
 * stored through CameraEvents. `pull(camera)` subscribes when needed and pulls
 * once; the background loop pulls every camera with an ONVIF address, a
 * bounded number at a time, and subscribes again after an error.
 *
 * A subscription ends at the termination time the device grants (the library
 * asks for two minutes; a device may give less). Each one is renewed when
 * half of what is left has passed, and subscribed again when the device
 * refuses the renewal, so events keep arriving between and after rounds.
 *
 * PullMessages stays CityOps's own SOAP (probe/onvif-soap.ts): the library's
 * pullMessages always asks the device to hold the request for a minute
 * (Timeout PT1M, with an 80-second socket timeout), so every quiet camera
 * would hold one of the pool's places a minute each round; here a pull waits
 * at most a second.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Cam as OnvifCam } from 'onvif';
import { onvifCall, textOf } from './probe/onvif-soap.js';
import type { Credentials } from './probe/types.js';
import type { CameraSource, CamerasService } from './cameras.service.js';
import type { CameraEventBody, CameraEvents } from './events.js';
import { inPool, onlyDocumentationAddresses } from './health.js';
import { camCall, connectServices, onvifCam, onvifError, within } from './onvif.js';

const asArray = <T>(v: T | T[] | undefined): T[] =>
  v === undefined ? [] : Array.isArray(v) ? v : [v];
type Node = Record<string, unknown>;

/** The camera event an ONVIF notification stands for, or undefined for topics CityOps does not use. */
export function eventOfNotification(
  topic: string,
  items: Record<string, string>,
  at?: string,
): CameraEventBody | undefined {
  const flag =
    items.IsMotion ?? items.State ?? items.IsTamper ?? items.IsVideoLoss ?? items.LogicalState;
  const active = flag === undefined ? undefined : flag === 'true' || flag === '1';
  let type: string | undefined;
  if (/Tamper|GlobalSceneChange/i.test(topic) || items.IsTamper !== undefined) type = 'tamper';
  else if (/Motion/i.test(topic) || items.IsMotion !== undefined) type = 'motion';
  else if (/SignalLoss|VideoLoss/i.test(topic)) type = 'video_loss';
  if (!type) return undefined;
  return {
    type,
    ...(active !== undefined ? { active } : {}),
    ...(at && !Number.isNaN(Date.parse(at)) ? { ts: new Date(at).toISOString() } : {}),
    data: { topic },
  };
}

/** The events of a PullMessagesResponse body. */
export function eventsOfPull(body: Node): CameraEventBody[] {
  const res = body.PullMessagesResponse as Node | undefined;
  const out: CameraEventBody[] = [];
  for (const n of asArray(res?.NotificationMessage as Node | Node[] | undefined)) {
    const topic = textOf(n.Topic) ?? '';
    const msg = (n.Message as Node | undefined)?.Message as Node | undefined;
    const items: Record<string, string> = {};
    for (const part of ['Source', 'Data'])
      for (const si of asArray(
        (msg?.[part] as Node | undefined)?.SimpleItem as Node | Node[] | undefined,
      )) {
        const name = si['@Name'];
        const value = si['@Value'];
        if (typeof name === 'string' && typeof value === 'string') items[name] = value;
      }
    const at = typeof msg?.['@UtcTime'] === 'string' ? msg['@UtcTime'] : undefined;
    const e = eventOfNotification(topic, items, at);
    if (e) out.push(e);
  }
  return out;
}

interface Subscription {
  /** The camera's ONVIF address when subscribed (a new one means a new subscription). */
  onvifUrl: string;
  cam: OnvifCam;
  /** The PullPoint's address. */
  url: string;
  /** When the device ends it, on this machine's clock. */
  endsAt: number;
  renewTimer?: NodeJS.Timeout | undefined;
}

/** The library's answer to CreatePullPointSubscription or Renew, as far as it is used here. */
interface TerminationAnswer {
  currentTime?: unknown;
  terminationTime?: unknown;
}

/** Requests of a subscription: clock, GetServices (or GetCapabilities after it), CreatePullPointSubscription. */
const SUBSCRIBE_REQUESTS = 4;
/** The shortest wait before a renewal, so a device granting seconds is not asked in a loop. */
const MIN_RENEW_MS = 250;

/**
 * When a subscription ends on this machine's clock: the device's termination
 * time less its current time, after now (the device's clock may differ).
 */
export function endsAtOf(answer: TerminationAnswer | undefined, now = Date.now()): number {
  const ms = (v: unknown) =>
    v instanceof Date ? v.getTime() : typeof v === 'string' ? Date.parse(v) : Number.NaN;
  const end = ms(answer?.terminationTime);
  const current = ms(answer?.currentTime);
  if (Number.isNaN(end)) return now + 60_000;
  return Number.isNaN(current) ? end : now + (end - current);
}

export class OnvifEventsService {
  private readonly subs = new Map<string, Subscription>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = true;
  /** Counts stop()s: a subscription made across one is not kept. */
  private generation = 0;

  constructor(
    private readonly deps: {
      cameras: CamerasService;
      events: CameraEvents;
      log: FastifyBaseLogger;
    },
    private readonly opts: { timeoutMs: number; concurrency: number; intervalMs: number },
  ) {}

  private creds(src: CameraSource): Credentials {
    return src.username !== undefined
      ? { username: src.username, password: src.password ?? '' }
      : undefined;
  }

  private async subscribe(src: CameraSource): Promise<Subscription> {
    this.drop(src.id);
    const generation = this.generation;
    const cam = onvifCam(src.onvifUrl!, this.creds(src), this.opts.timeoutMs);
    const answer = await within(
      this.opts.timeoutMs * SUBSCRIBE_REQUESTS,
      (async () => {
        await connectServices(cam);
        return camCall<TerminationAnswer>((cb) => cam.createPullPointSubscription(cb));
      })(),
    ).catch((err: unknown) => {
      throw onvifError(err);
    });
    const address = (cam.events.subscription as { subscriptionReference?: { address?: unknown } })
      ?.subscriptionReference?.address as { href?: unknown } | undefined;
    const sub: Subscription = {
      onvifUrl: src.onvifUrl!,
      cam,
      url: typeof address?.href === 'string' ? address.href : src.onvifUrl!,
      endsAt: endsAtOf(answer),
    };
    if (generation === this.generation) {
      this.subs.set(src.id, sub);
      this.scheduleRenewal(src, sub);
    }
    return sub;
  }

  /** Renews `sub` when half of its time is left; subscribes again if the device refuses. */
  private scheduleRenewal(src: CameraSource, sub: Subscription): void {
    clearTimeout(sub.renewTimer);
    const wait = Math.max(MIN_RENEW_MS, (sub.endsAt - Date.now()) / 2);
    sub.renewTimer = setTimeout(() => void this.renew(src, sub), wait);
    sub.renewTimer.unref();
  }

  private async renew(src: CameraSource, sub: Subscription): Promise<void> {
    if (this.subs.get(src.id) !== sub) return;
    try {
      const answer = await within(
        this.opts.timeoutMs,
        camCall<TerminationAnswer>((cb) => sub.cam.renew({}, cb)),
      );
      if (this.subs.get(src.id) !== sub) return;
      sub.endsAt = endsAtOf(answer);
      this.scheduleRenewal(src, sub);
    } catch (err) {
      if (this.subs.get(src.id) !== sub) return;
      this.deps.log.debug(
        { err: onvifError(err), cameraId: src.id },
        'ONVIF renewal refused; subscribing again',
      );
      await this.subscribe(src).catch((e: unknown) => {
        // The next pull subscribes again.
        this.drop(src.id);
        this.deps.log.debug({ err: e, cameraId: src.id }, 'ONVIF subscription failed');
      });
    }
  }

  private drop(cameraId: string): void {
    const sub = this.subs.get(cameraId);
    if (!sub) return;
    clearTimeout(sub.renewTimer);
    this.subs.delete(cameraId);
  }

  /** When the camera's current subscription ends (undefined: none); for tests and status. */
  subscriptionEnd(cameraId: string): Date | undefined {
    const sub = this.subs.get(cameraId);
    return sub ? new Date(sub.endsAt) : undefined;
  }

  /** Subscribes if needed and pulls once; stores the events; answers how many. */
  async pull(src: CameraSource, waitSeconds = 1): Promise<number> {
    if (!src.onvifUrl) return 0;
    const current = this.subs.get(src.id);
    const sub = current && current.onvifUrl === src.onvifUrl ? current : await this.subscribe(src);
    let body: Node;
    try {
      body = await onvifCall(
        sub.url,
        `<tev:PullMessages xmlns:tev="http://www.onvif.org/ver10/events/wsdl"><tev:Timeout>PT${waitSeconds}S</tev:Timeout><tev:MessageLimit>64</tev:MessageLimit></tev:PullMessages>`,
        this.creds(src),
        this.opts.timeoutMs + waitSeconds * 1000,
      );
    } catch (err) {
      // The subscription may have lapsed: the next pull subscribes again.
      if (this.subs.get(src.id) === sub) this.drop(src.id);
      throw err;
    }
    const events = eventsOfPull(body);
    if (events.length) await this.deps.events.record(src.id, 'onvif', events);
    return events.length;
  }

  /** Pulls every camera with a real ONVIF address, then again after `intervalMs`. */
  start(): void {
    this.stopped = false;
    const tick = async () => {
      let after: string | undefined;
      const pulled = new Set<string>();
      for (;;) {
        const page = await this.deps.cameras.sourcesPage(after, 1000);
        if (page.length === 0 || this.stopped) break;
        after = page[page.length - 1]!.id;
        const due = page.filter((s) => s.onvifUrl && !onlyDocumentationAddresses(s));
        for (const s of due) pulled.add(s.id);
        await inPool(due, this.opts.concurrency, async (s) => {
          if (this.stopped) return;
          await this.pull(s).catch((err: unknown) =>
            this.deps.log.debug({ err, cameraId: s.id }, 'ONVIF pull failed'),
          );
        });
        if (page.length < 1000) break;
      }
      // Cameras removed or without an ONVIF address since: no more renewals.
      if (!this.stopped) for (const id of [...this.subs.keys()]) if (!pulled.has(id)) this.drop(id);
    };
    const loop = () => {
      if (this.stopped) return;
      tick()
        .catch((err: unknown) => this.deps.log.warn({ err }, 'ONVIF events round failed'))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(loop, this.opts.intervalMs);
        });
    };
    this.timer = setTimeout(loop, 1000);
  }

  stop(): void {
    this.stopped = true;
    this.generation++;
    clearTimeout(this.timer);
    for (const id of [...this.subs.keys()]) this.drop(id);
  }
}
