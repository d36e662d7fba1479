/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';

// The editor lives in app/; the dev server proxies /api to the app server (npm start) so `npm run dev`
// talks to the same FooocusAPI as production. The app server only trusts its own origin: start it with
// TRUSTED_ORIGINS=http://localhost:5173 for development.
export default defineConfig({
  root: 'app',
  // The editor renders with Preact through preact/compat: the code is written against React's API
  // (`import … from 'react'`), and the preset aliases react, react-dom and the JSX runtime to Preact,
  // in the build, the dev server (with Prefresh for hot updates) and vitest alike. React DOM alone
  // was 54 KiB of the 180 KB first-load budget; Preact is about 5 (issue 12).
  plugins: [preact({ prerender: { enabled: false } })],
  build: {
    outDir: '../dist',
    emptyOutDir: true,
    // Everything the entry imports statically goes in one chunk: gzip then shares one dictionary
    // across it, where ~20 small shared chunks each compressed alone cost ~7 KB more (issue 12).
    // What is only imported dynamically (compiler, dialogs, dagre...) still gets its own chunks.
    rolldownOptions: {
      output: { codeSplitting: { groups: [{ name: 'first-load', tags: ['$initial'] }] } },
    },
  },
  server: { proxy: { '/api': { target: 'http://127.0.0.1:7870', changeOrigin: true } } },
  test: {
    root: '.',
    environment: 'node',
    include: ['test/**/*.test.{ts,tsx}'],
    setupFiles: ['test/setup.ts'],
    globals: true,
    testTimeout: 20000,
  },
});
