import { defineConfig } from 'vitest/config';

// Unit tests cover pure logic only (codec, config validation, batching rules);
// anything that touches a browser API is proven in Chromium by e2e/.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'sw/**/*.test.ts', 'demo/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
  },
});
