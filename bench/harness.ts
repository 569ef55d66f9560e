/**
 * The benchmark harness: scenarios produce figures, each compared with its
 * target; the run prints a table and writes JSON and a Markdown table, for
 * the README, to bench/results/.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface Figure {
  scenario: string;
  name: string;
  value: number;
  unit: string;
  /** The target, as a comparison: value must be <= (max) or >= (min). */
  target?: { max?: number; min?: number };
  /** What the figure was measured on (database, broker…). */
  on?: string;
  note?: string;
}

export interface Scenario {
  name: string;
  description: string;
  run(ctx: BenchContext): Promise<Figure[]>;
}

export interface BenchContext {
  quick: boolean;
  postgresUrl: string | undefined;
  log: (line: string) => void;
}

export function machine() {
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.type()} ${os.release()}`,
    hostname: os.hostname(),
  };
}

export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export function median(samples: number[]): number {
  return percentile(samples, 50);
}

/** Times fn `n` times after `warmup` runs; answers the samples in ms. */
export async function timeMany(
  n: number,
  fn: (i: number) => Promise<unknown>,
  warmup = 5,
): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn(i);
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn(i);
    samples.push(performance.now() - t0);
  }
  return samples;
}

/**
 * Times several measures in turn, sample by sample (after a warm-up of each), so
 * that each sees the same moments of a noisy machine; answers one array per measure.
 */
export async function timeInTurn(
  n: number,
  fns: Array<(i: number) => Promise<unknown>>,
  warmup = 5,
): Promise<number[][]> {
  for (let i = 0; i < warmup; i++) for (const fn of fns) await fn(i);
  const samples = fns.map((): number[] => []);
  for (let i = 0; i < n; i++) {
    for (const [k, fn] of fns.entries()) {
      const t0 = performance.now();
      await fn(i);
      samples[k]!.push(performance.now() - t0);
    }
  }
  return samples;
}

export function verdict(f: Figure): 'pass' | 'FAIL' | '' {
  if (!f.target) return '';
  if (f.target.max !== undefined && f.value > f.target.max) return 'FAIL';
  if (f.target.min !== undefined && f.value < f.target.min) return 'FAIL';
  return 'pass';
}

function targetText(f: Figure): string {
  if (!f.target) return '';
  if (f.target.max !== undefined) return `<= ${f.target.max}`;
  if (f.target.min !== undefined) return `>= ${f.target.min}`;
  return '';
}

const fmt = (v: number) =>
  Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2);

export function table(figures: Figure[]): string {
  const rows = figures.map((f) => [
    f.scenario,
    f.name,
    f.on ?? '',
    `${fmt(f.value)} ${f.unit}`,
    targetText(f),
    verdict(f),
    f.note ?? '',
  ]);
  const head = ['scenario', 'figure', 'on', 'value', 'target', '', 'note'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** The figures as a Markdown table with the machine and the load they were measured under. */
export function markdownTable(figures: Figure[]): string {
  const m = machine();
  const load = os.loadavg().map((l) => l.toFixed(1));
  const cell = (s: string) => s.replace(/\|/g, '\\|');
  const rows = figures.map((f) =>
    [
      f.scenario,
      f.name,
      f.on ?? '',
      `${fmt(f.value)} ${f.unit}`.trim(),
      targetText(f),
      verdict(f),
      f.note ?? '',
    ]
      .map(cell)
      .join(' | '),
  );
  return [
    `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node}; load average at the end ${load.join(', ')}.`,
    '',
    '| scenario | figure | on | value | target | | note |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r} |`),
    '',
  ].join('\n');
}

export async function writeResults(
  figures: Figure[],
  meta: Record<string, unknown>,
): Promise<string> {
  const dir = path.join(repoRoot, 'bench/results');
  await fs.mkdir(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const body = JSON.stringify(
    { ...meta, machine: machine(), figures: figures.map((f) => ({ ...f, verdict: verdict(f) })) },
    null,
    2,
  );
  const file = path.join(dir, `bench-${stamp}.json`);
  await fs.writeFile(file, body);
  await fs.writeFile(path.join(dir, 'latest.json'), body);
  await fs.writeFile(path.join(dir, 'latest.md'), markdownTable(figures));
  return file;
}
