// zone.js (Angular's change detection, by default) patches timers, listeners, observers and
// promises: a task created in the app's zone runs change detection when it fires. pagepace's own
// background work (a batch timer after track(), the start-up's listeners and timers when the app
// starts pagepace from a component or a service) would each cost the host a change-detection
// pass. Entry points run in zone.js's root zone instead, so everything they schedule stays there.

/** Runs `f` in zone.js's root zone where the page has zone.js, else just runs it. */
export function outsideZone<T>(f: () => T): T {
  // Some sites have an unrelated global `Zone`: only one with a root that can run is zone.js's.
  const root = (globalThis as { Zone?: { root?: { run?(f: () => T): T } } }).Zone?.root;
  return root?.run ? root.run(f) : f();
}
