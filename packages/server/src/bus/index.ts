/** Picks the bus the settings ask for: in-process by default, NATS JetStream with CITYOPS_NATS_URL. */
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../core/config.js';
import type { EventBus } from './bus.js';
import { InProcessBus } from './in-process.js';

export type { EventBus, EventHandler, StoredEvent, Unsubscribe } from './bus.js';
export { InProcessBus } from './in-process.js';

export async function createEventBus(
  config: Pick<Config, 'natsUrl' | 'natsPrefix'>,
  log: FastifyBaseLogger,
): Promise<EventBus> {
  if (!config.natsUrl) return new InProcessBus(log);
  const { NatsBus } = await import('./nats.js');
  try {
    return await NatsBus.connect({ url: config.natsUrl, prefix: config.natsPrefix, log });
  } catch (err) {
    throw new Error(
      `CITYOPS_NATS_URL: cannot use NATS JetStream at ${config.natsUrl}: ${(err as Error).message}`,
    );
  }
}

/** The bus as a module: its readiness, and closing it last (after the writer has published). */
export function busModule(bus: EventBus, opts: { owned: boolean }) {
  return {
    name: 'bus',
    readiness: [{ name: 'bus', check: () => bus.ready() }],
    ...(opts.owned ? { stop: () => bus.close() } : {}),
  };
}
