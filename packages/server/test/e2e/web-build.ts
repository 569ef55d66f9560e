/**
 * The browser apps the end-to-end tests load: packages/web/dist, built here
 * when it is missing or older than the web sources.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../../../../', import.meta.url));
const web = path.join(repo, 'packages/web');
export const webDist = path.join(web, 'dist');
const built = [path.join(webDist, 'console/index.html'), path.join(webDist, 'citizen/index.html')];
const sources = [
  'packages/web/console',
  'packages/web/citizen',
  'packages/web/ui',
  'packages/web/public',
  'packages/web/build',
  'packages/web/vite.config.ts',
  'packages/contracts/src',
].map((p) => path.join(repo, p));

function newest(p: string): number {
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(st.mtimeMs, ...fs.readdirSync(p).map((name) => newest(path.join(p, name))));
}

/** Builds the web apps unless an up-to-date build is there; throws a clear error when it cannot. */
export function ensureWebBuild(): void {
  const have = built.every((f) => fs.existsSync(f));
  if (
    have &&
    Math.min(...built.map((f) => fs.statSync(f).mtimeMs)) >= Math.max(...sources.map(newest))
  )
    return;
  try {
    execFileSync('npm', ['run', 'build', '--workspace', '@cityops/web'], {
      cwd: repo,
      // Vitest sets NODE_ENV=test, which would make Vite bundle React's development build.
      env: { ...process.env, NODE_ENV: 'production' },
      stdio: 'pipe',
      timeout: 180_000,
    });
  } catch (err) {
    const out = (err as { stderr?: Buffer; stdout?: Buffer }).stderr?.toString() ?? '';
    throw new Error(
      `The browser tests need the web apps built in ${webDist}, and building them failed. ` +
        `Run \`npm run build\` at the repository root and look at its output.\n${out.slice(-2000)}`,
    );
  }
}
