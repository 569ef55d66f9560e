/**
 * Where the CPU goes during a measurement: CPU seconds of given processes, of
 * PostgreSQL, and of the whole machine (from /proc; Linux only, NaN
 * elsewhere), so a figure can say which part was busy and how busy the
 * machine was. Two cores are 2 CPU-seconds per second.
 */
import fs from 'node:fs';
import os from 'node:os';

const TICK = 100; // USER_HZ on Linux

function procSeconds(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICK;
  } catch {
    return NaN;
  }
}

/**
 * PostgreSQL's processes that work for us: the backends connected to our
 * database (their command line names it) and the shared background writers;
 * not the backends of other databases on the same server.
 */
function postgresPids(database: string | undefined): number[] {
  try {
    return fs
      .readdirSync('/proc')
      .filter((d) => /^\d+$/.test(d))
      .map(Number)
      .filter((pid) => {
        try {
          if (fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== 'postgres') return false;
          const args = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
          if (/checkpointer|background writer|walwriter/.test(args)) return true;
          return database !== undefined && args.includes(` ${database} `);
        } catch {
          return false;
        }
      });
  } catch {
    return [];
  }
}

export interface CpuSnapshot {
  named: Map<string, number>;
  /** Each PostgreSQL process's CPU seconds (backends come and go). */
  postgres: Map<number, number>;
  machine: number;
}

/**
 * CPU seconds so far of each named process, of PostgreSQL's processes for the
 * database named, and of the whole machine.
 */
export function cpuSnapshot(
  pids: Record<string, number | undefined>,
  database?: string,
): CpuSnapshot {
  const named = new Map<string, number>();
  for (const [name, pid] of Object.entries(pids)) if (pid) named.set(name, procSeconds(pid));
  const postgres = new Map(
    database === undefined ? [] : postgresPids(database).map((pid) => [pid, procSeconds(pid)]),
  );
  const machine = os
    .cpus()
    .reduce((s, c) => s + (c.times.user + c.times.sys + c.times.nice + c.times.irq) / 1000, 0);
  return { named, postgres, machine };
}

/** Cores used per part between two snapshots, as "cores: server 0.93, generator 0.61, …". */
export function coresUsed(a: CpuSnapshot, b: CpuSnapshot, seconds: number): string {
  const parts: string[] = [];
  for (const [name, v] of b.named) {
    const before = a.named.get(name);
    if (before === undefined || !Number.isFinite(v - before)) continue;
    parts.push(`${name} ${((v - before) / seconds).toFixed(2)}`);
  }
  // A backend that ended in between is missing from both sides of the sum.
  let pg = 0;
  for (const [pid, v] of b.postgres) if (Number.isFinite(v)) pg += v - (a.postgres.get(pid) ?? 0);
  if (b.postgres.size > 0) parts.push(`postgres ${(pg / seconds).toFixed(2)}`);
  parts.push(`whole machine ${((b.machine - a.machine) / seconds).toFixed(2)}`);
  return `cores: ${parts.join(', ')}`;
}

export function loadAverage(): string {
  return os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
}
