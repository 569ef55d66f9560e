// Runs the CLI from source for tests (the published bin runs the build).
import { runCli } from '../../src/cli/index.js';

await runCli(process.argv);
