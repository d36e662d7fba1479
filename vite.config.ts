/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The editor lives in app/; the dev server proxies /api to the app server (npm start) so `npm run dev`
// talks to the same FooocusAPI as production. The app server only trusts its own origin: start it with
// TRUSTED_ORIGINS=http://localhost:5173 for development.
export default defineConfig({
  root: 'app',
  plugins: [react()],
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
