// Builds the two browser apps into dist/: the console (console/index.html, served at /)
// and the citizen app (citizen/index.html, served at /citizen/), sharing ui/.
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defaultClientConditions, defineConfig } from 'vite';
import {
  citizenServiceWorker,
  devAppRoutes,
  firstLoadReport,
  precompress,
} from './build/plugins.ts';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const apiTarget = process.env.CITYOPS_DEV_API ?? 'http://127.0.0.1:8080';

export default defineConfig({
  root: here('.'),
  base: '/',
  appType: 'mpa',
  plugins: [
    react(),
    devAppRoutes(),
    citizenServiceWorker(here('citizen/sw.js')),
    firstLoadReport(['console', 'citizen']),
    precompress(),
  ],
  resolve: {
    // `@cityops/contracts` resolves to its TypeScript source, as in tsconfig.base.json.
    conditions: ['source', ...defaultClientConditions],
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // dist/.vite/manifest.json: what each page loads, for the benchmarks' first-load figure.
    manifest: true,
    target: 'es2022',
    // MapLibre alone is ~1 MB; it is loaded only by the map page.
    chunkSizeWarningLimit: 1200,
    rolldownOptions: {
      input: { console: here('console/index.html'), citizen: here('citizen/index.html') },
      // Compressing the build takes a few seconds on purpose; no need to warn about it.
      checks: { bundlerTimings: false },
      output: {
        // Named shared chunks instead of ones named after whichever module came first.
        codeSplitting: {
          groups: [
            { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/ },
            { name: 'contracts', test: /packages[\\/]contracts[\\/]|node_modules[\\/]zod[\\/]/ },
            // The two big libraries, each loaded only by the pages that draw with it.
            { name: 'maplibre', test: /node_modules[\\/]maplibre-gl[\\/]/ },
            { name: 'echarts', test: /node_modules[\\/](echarts|zrender)[\\/]/ },
          ],
        },
      },
    },
  },
  server: {
    proxy: { '/api': apiTarget, '/open311': apiTarget },
  },
});
