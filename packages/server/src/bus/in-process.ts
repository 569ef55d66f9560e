/**
 * The bus of one process: handlers are called right after publish. Fan-out
 * handlers all get each batch; a queue group's batch goes to one of its
 * handlers in turn. Handler errors are logged, never thrown at the publisher.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { EventBus, EventHandler, StoredEvent, Unsubscribe } from './bus.js';

export class InProcessBus implements EventBus {
  readonly kind = 'in-process';
  private readonly fanout = new Set<EventHandler>();
  private readonly groups = new Map<string, { handlers: EventHandler[]; next: number }>();

  constructor(private readonly log: FastifyBaseLogger) {}

  publish(events: readonly StoredEvent[]): Promise<void> {
    if (events.length === 0) return Promise.resolve();
    for (const handler of this.fanout) this.call(handler, events);
    for (const group of this.groups.values()) {
      const handler = group.handlers[group.next++ % group.handlers.length];
      if (handler) this.call(handler, events);
    }
    return Promise.resolve();
  }

  subscribe(handler: EventHandler): Promise<Unsubscribe> {
    this.fanout.add(handler);
    return Promise.resolve(() => void this.fanout.delete(handler));
  }

  subscribeQueue(group: string, handler: EventHandler): Promise<Unsubscribe> {
    const g = this.groups.get(group) ?? { handlers: [], next: 0 };
    g.handlers.push(handler);
    this.groups.set(group, g);
    return Promise.resolve(() => {
      g.handlers = g.handlers.filter((h) => h !== handler);
      if (g.handlers.length === 0) this.groups.delete(group);
    });
  }

  ready(): Promise<boolean> {
    return Promise.resolve(true);
  }

  close(): Promise<void> {
    this.fanout.clear();
    this.groups.clear();
    return Promise.resolve();
  }

  private call(handler: EventHandler, events: readonly StoredEvent[]): void {
    try {
      const result = handler(events);
      if (result instanceof Promise) {
        result.catch((err: unknown) => this.log.error({ err }, 'event handler failed'));
      }
    } catch (err) {
      this.log.error({ err }, 'event handler failed');
    }
  }
}
