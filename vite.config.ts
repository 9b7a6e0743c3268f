// One config for the web build (Vite) and the test runner (Vitest projects: server in node, web in jsdom, e2e in Chromium).
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import react from '@vitejs/plugin-react';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';

/**
 * Brotli and gzip copies of the built text assets (`x.js.br`, `x.js.gz`), written once at build time: the server
 * sends the one the browser accepts (serveStatic's `precompressed`), so nothing is compressed per request.
 */
function precompress(): Plugin {
  const text = /\.(js|css|html|svg|json|txt|map)$/;
  let outDir = 'dist/web';
  return {
    name: 'ioc-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    closeBundle() {
      const walk = (dir: string): string[] =>
        readdirSync(dir).flatMap((n) => {
          const p = join(dir, n);
          return statSync(p).isDirectory() ? walk(p) : [p];
        });
      for (const file of walk(outDir)) {
        if (!text.test(file) || statSync(file).size < 1024) continue;
        const buf = readFileSync(file);
        writeFileSync(`${file}.br`, brotliCompressSync(buf, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
        writeFileSync(`${file}.gz`, gzipSync(buf, { level: 9 }));
      }
    },
  };
}

export default defineConfig({
  root: 'web',
  plugins: [react(), precompress()],
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
