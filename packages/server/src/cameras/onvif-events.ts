/**
 * ONVIF events by PullPoint subscription: GetCapabilities for the event
 * service, CreatePullPointSubscription, then PullMessages, each message's
 * topic and State/IsMotion/IsTamper item turned into a camera event
 * (camera.motion, camera.tamper, camera.video_loss) and stored through
 * CameraEvents. `pull(camera)` subscribes when needed and pulls once; the
 * background loop pulls every camera with an ONVIF address, a bounded number
 * at a time, and subscribes again after an error.
 */
import type { FastifyBaseLogger } from 'fastify';
import { onvifCall, textOf } from './probe/onvif-soap.js';
import type { Credentials } from './probe/types.js';
import type { CameraSource, CamerasService } from './cameras.service.js';
import type { CameraEventBody, CameraEvents } from './events.js';
import { inPool, onlyDocumentationAddresses } from './health.js';

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
  url: string;
}

export class OnvifEventsService {
  private readonly subs = new Map<string, Subscription>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = true;

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
    const creds = this.creds(src);
    const caps = await onvifCall(
      src.onvifUrl!,
      '<tds:GetCapabilities><tds:Category>Events</tds:Category></tds:GetCapabilities>',
      creds,
      this.opts.timeoutMs,
    );
    const c = (caps.GetCapabilitiesResponse as Node | undefined)?.Capabilities as Node | undefined;
    const eventsUrl = textOf((c?.Events as Node | undefined)?.XAddr) ?? src.onvifUrl!;
    const created = await onvifCall(
      eventsUrl,
      '<tev:CreatePullPointSubscription xmlns:tev="http://www.onvif.org/ver10/events/wsdl"><tev:InitialTerminationTime>PT10M</tev:InitialTerminationTime></tev:CreatePullPointSubscription>',
      creds,
      this.opts.timeoutMs,
    );
    const ref = (created.CreatePullPointSubscriptionResponse as Node | undefined)
      ?.SubscriptionReference as Node | undefined;
    const url = textOf(ref?.Address) ?? eventsUrl;
    const sub = { url };
    this.subs.set(src.id, sub);
    return sub;
  }

  /** Subscribes if needed and pulls once; stores the events; answers how many. */
  async pull(src: CameraSource, waitSeconds = 1): Promise<number> {
    if (!src.onvifUrl) return 0;
    const sub = this.subs.get(src.id) ?? (await this.subscribe(src));
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
      this.subs.delete(src.id);
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
      for (;;) {
        const page = await this.deps.cameras.sourcesPage(after, 1000);
        if (page.length === 0 || this.stopped) break;
        after = page[page.length - 1]!.id;
        const due = page.filter((s) => s.onvifUrl && !onlyDocumentationAddresses(s));
        await inPool(due, this.opts.concurrency, async (s) => {
          if (this.stopped) return;
          await this.pull(s).catch((err: unknown) =>
            this.deps.log.debug({ err, cameraId: s.id }, 'ONVIF pull failed'),
          );
        });
        if (page.length < 1000) break;
      }
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
    clearTimeout(this.timer);
  }
}
