// One config for the web build (Vite) and the test runner (Vitest projects: server in node, web in jsdom, e2e in Chromium).
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: 'web',
  plugins: [react()],
  build: { outDir: '../dist/web', emptyOutDir: true, chunkSizeWarningLimit: 1200 },
  server: { proxy: { '/api': 'http://localhost:8080' } },
  test: {
    root: '.',
    globalSetup: ['tests/tmp-setup.ts'],
    projects: [
      { extends: true, test: { name: 'server', root: '.', include: ['tests/server/**/*.test.ts'], environment: 'node', testTimeout: 60_000, hookTimeout: 300_000 } },
      { extends: true, test: { name: 'web', root: '.', include: ['tests/web/**/*.test.{ts,tsx}'], environment: 'jsdom' } },
      { extends: true, test: { name: 'e2e', root: '.', include: ['tests/e2e/**/*.test.ts'], environment: 'node', testTimeout: 120_000, hookTimeout: 300_000, fileParallelism: false } },
    ],
  },
});
