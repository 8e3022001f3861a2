// The pagepace service worker (built to dist/pagepace-sw.js). Placeholder until the tiered cache lands.
export {};
