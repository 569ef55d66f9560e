/** A clock the test moves: it starts at `ms` (now, unless given) and stands still between moves. */
import type { Clock } from '../../src/core/clock.js';

export class FakeClock implements Clock {
  constructor(public ms = Date.now()) {}
  now(): Date {
    return new Date(this.ms);
  }
  set(iso: string): void {
    this.ms = Date.parse(iso);
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}
