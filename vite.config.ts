/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The editor lives in app/; the dev server proxies /api to the app server (npm start) so `npm run dev`
// talks to the same FooocusAPI as production. The app server only trusts its own origin: start it with
// TRUSTED_ORIGINS=http://localhost:5173 for development.
export default defineConfig({
  root: 'app',
  plugins: [react()],
  build: { outDir: '../dist', emptyOutDir: true },
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
