// The `cityops` command from source, for benchmarks that run `cityops serve` in a process of its own.
import { runCli } from '../../packages/server/src/cli/index.js';

await runCli(process.argv);
