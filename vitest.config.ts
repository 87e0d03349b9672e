import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['test/corpus/**', 'node_modules/**'],
    testTimeout: 30_000,
    // Setup starts servers and enrols clusters, which a loaded machine
    // slows well past vitest's default of 10 s.
    hookTimeout: 60_000,
  },
});
