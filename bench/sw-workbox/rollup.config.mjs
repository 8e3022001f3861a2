// Builds the Workbox comparison worker into e2e/fixtures/sw/bench/ (served by the demo server at
// /fixtures/sw/bench/workbox-sw.js, so it can control the bench page in that directory).
import { fileURLToPath } from 'node:url';
import nodeResolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));

/** Workbox reads process.env.NODE_ENV to drop its dev logging: production, as a site would ship. */
const production = () => ({
  name: 'node-env-production',
  transform: (code) => (code.includes('process.env.NODE_ENV') ? { code: code.replaceAll('process.env.NODE_ENV', '"production"'), map: null } : null),
});

export default {
  input: here('./sw.js'),
  plugins: [nodeResolve({ browser: true }), production()],
  output: { file: here('../../e2e/fixtures/sw/bench/workbox-sw.js'), format: 'iife', plugins: [terser({ ecma: 2020 })] },
};
