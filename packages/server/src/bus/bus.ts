/**
 * The event bus: stored events go out on it after commit. `subscribe` is a
 * fan-out (every subscriber in every process gets every event: the live
 * stream); `subscribeQueue` shares a group's work (each event is handled by one
 * subscriber of the group across all processes: rules). Handlers get events in
 * batches, in seq order within a batch.
 */
import type { StoredEvent } from '@cityops/contracts';

export type { StoredEvent };

export type EventHandler = (events: readonly StoredEvent[]) => void | Promise<void>;

/** Stops a subscription. */
export type Unsubscribe = () => void;

export interface EventBus {
  readonly kind: 'in-process' | 'nats';
  /** Sends events that are committed in the store. */
  publish(events: readonly StoredEvent[]): Promise<void>;
  /** Every event, in every process. Resolves once the subscription is live. */
  subscribe(handler: EventHandler): Promise<Unsubscribe>;
  /**
   * Each event once per group across all processes. A handler that throws gets
   * the batch again later (NATS: at least once, so handlers must be idempotent;
   * in-process: logged and dropped). Resolves once the subscription is live.
   */
  subscribeQueue(group: string, handler: EventHandler): Promise<Unsubscribe>;
  /** Whether the bus can publish now (readiness). */
  ready(): Promise<boolean>;
  close(): Promise<void>;
}
