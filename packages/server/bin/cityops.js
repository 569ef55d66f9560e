#!/usr/bin/env node
// The `cityops` command (built from src/cli by `npm run build`).
import { runCli } from '../dist/cli/index.js';

await runCli(process.argv);
