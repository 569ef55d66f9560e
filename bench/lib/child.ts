/**
 * Benchmark helpers that run in their own `node` process (a load generator, a
 * stream reader, a bare broker), so that they never share the event loop of
 * the CityOps under test. The parent talks to them over the IPC channel: it
 * sends commands and waits for messages of a given type.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from '../harness.js';

/** What a child says: a type, and what goes with it. */
export interface ChildMessage {
  type: string;
}

/** What the parent asks of a child. */
export interface Command {
  cmd: string;
  [key: string]: unknown;
}

export class BenchChild {
  private readonly inbox: ChildMessage[] = [];
  private readonly waiters = new Set<() => void>();
  private exitedWith: string | undefined;
  private stderr = '';

  private constructor(
    readonly name: string,
    readonly process: ChildProcess,
  ) {
    process.on('message', (m: ChildMessage) => {
      this.inbox.push(m);
      this.wake();
    });
    process.stderr!.on('data', (d: Buffer) => {
      this.stderr = (this.stderr + d.toString()).slice(-4000);
    });
    process.on('exit', (code, signal) => {
      this.exitedWith = signal ?? String(code);
      this.wake();
    });
  }

  /** Runs `bench/lib/<file>` through tsx in a new node process with an IPC channel. */
  static start(file: string, name = file): BenchChild {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(repoRoot, 'bench/lib', file)],
      { cwd: repoRoot, stdio: ['ignore', 'inherit', 'pipe', 'ipc'], env: process.env },
    );
    return new BenchChild(name, child);
  }

  get pid(): number {
    return this.process.pid!;
  }

  send(message: Command): void {
    if (this.process.connected) this.process.send(message);
  }

  /** The next message of this type (messages of other types stay for later). */
  async next<T extends ChildMessage>(type: string, timeoutMs = 60_000): Promise<T> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const i = this.inbox.findIndex((m) => m.type === type);
      if (i >= 0) return this.inbox.splice(i, 1)[0] as T;
      const failed = this.inbox.find(
        (m): m is ChildMessage & { message?: string } => m.type === 'error',
      );
      if (failed) throw new Error(`${this.name} failed: ${failed.message}`);
      if (this.exitedWith !== undefined) {
        throw new Error(
          `${this.name} exited (${this.exitedWith}) before "${type}":\n${this.stderr}`,
        );
      }
      const left = until - Date.now();
      if (left <= 0) throw new Error(`${this.name}: no "${type}" within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(done, left);
        function done() {
          clearTimeout(t);
          resolve();
        }
        this.waiters.add(done);
      });
    }
  }

  /** Sends a command and waits for its answer. */
  async ask<T extends ChildMessage>(
    message: Command,
    answer: string,
    timeoutMs?: number,
  ): Promise<T> {
    this.send(message);
    return this.next<T>(answer, timeoutMs);
  }

  /** Asks it to exit, and kills it if it does not within the time given. */
  async stop(graceMs = 5000): Promise<void> {
    if (this.exitedWith !== undefined) return;
    const exited = new Promise<void>((resolve) => this.process.once('exit', () => resolve()));
    this.send({ cmd: 'exit' });
    const timer = setTimeout(() => this.process.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }

  private wake(): void {
    for (const w of [...this.waiters]) {
      this.waiters.delete(w);
      w();
    }
  }
}

/** Child side: answers the parent, and runs handlers for its commands. */
export function onCommands(handlers: Record<string, (m: Command) => unknown>): void {
  process.on('message', (m: Command) => {
    if (m.cmd === 'exit') {
      void Promise.resolve(handlers.exit?.(m)).finally(() => process.exit(0));
      return;
    }
    const handler = handlers[m.cmd];
    if (!handler) {
      tell({ type: 'error', message: `unknown command ${m.cmd}` } as ChildMessage);
      return;
    }
    Promise.resolve(handler(m)).catch((err: unknown) =>
      tell({ type: 'error', message: String((err as Error)?.stack ?? err) } as ChildMessage),
    );
  });
  // The parent went away: so do we.
  process.on('disconnect', () => process.exit(0));
}

export function tell<T extends ChildMessage>(message: T): void {
  process.send?.(message);
}

/** CPU seconds this process has used (user + system). */
export function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}
