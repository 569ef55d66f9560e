/**
 * `npm run bench`: runs the scenarios (all, or those named with --only a,b),
 * prints a table and writes JSON to bench/results/. `--quick` makes smaller
 * data sets for a smoke run. PostgreSQL scenarios need CITYOPS_BENCH_DATABASE_URL
 * (default postgres://postgres@127.0.0.1:5432/postgres) to reach a server with PostGIS.
 */
import { machine, table, writeResults, type Figure, type Scenario } from './harness.js';
import { startupScenario } from './scenarios/startup.js';
import { assetsScenario } from './scenarios/assets.js';
import { reportsScenario } from './scenarios/reports.js';
import { ingestScenario } from './scenarios/ingest.js';
import { streamScenario } from './scenarios/stream.js';
import { consoleScenario } from './scenarios/console.js';
import { liveScenario } from './scenarios/live.js';

const scenarios: Scenario[] = [
  startupScenario,
  assetsScenario,
  ingestScenario,
  streamScenario,
  reportsScenario,
  (await import('./scenarios/cameras.js')).camerasScenario,
  consoleScenario,
  liveScenario,
];

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const onlyArg =
    args.find((a) => a.startsWith('--only='))?.slice(7) ??
    (args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined);
  const only = onlyArg ? new Set(onlyArg.split(',')) : undefined;
  const quick = args.includes('--quick');
  const postgresUrl =
    process.env.CITYOPS_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const m = machine();
  process.stdout.write(
    `CityOps benchmarks on ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node}${quick ? ' (quick)' : ''}\n\n`,
  );
  const figures: Figure[] = [];
  for (const s of scenarios) {
    if (only && !only.has(s.name)) continue;
    process.stdout.write(`== ${s.name}: ${s.description}\n`);
    const t0 = Date.now();
    try {
      const got = await s.run({
        quick,
        postgresUrl,
        log: (l) => process.stdout.write(`   ${l}\n`),
      });
      figures.push(...got);
    } catch (err) {
      process.stdout.write(`   failed: ${(err as Error).stack ?? String(err)}\n`);
      figures.push({
        scenario: s.name,
        name: 'error',
        value: NaN,
        unit: '',
        note: (err as Error).message.slice(0, 120),
      });
    }
    process.stdout.write(`   (${((Date.now() - t0) / 1000).toFixed(1)} s)\n\n`);
  }
  process.stdout.write(`${table(figures)}\n\n`);
  const file = await writeResults(figures, { quick, argv: args });
  process.stdout.write(`results: ${file}\n`);
}

await main();
