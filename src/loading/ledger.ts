/**
 * Prefetch accounting for the browser session (tab), kept in sessionStorage so that the next
 * page can tell whether what the previous page prefetched was used.
 */
export interface Ledger {
  /** Prefetches issued this session. */
  c: number;
  /** Their bytes (estimated). */
  b: number;
  /** Prefetches then navigated to. */
  h: number;
  /** Bytes of those. */
  hb: number;
  /** What the current page prefetched: [url, bytes, trigger]. */
  u: Array<[string, number, string]>;
  /** The page before this one (for the next-page model). */
  p?: string;
}

const KEY = 'pagepace:prefetch';

/** Reads the ledger (a fresh one when storage is missing or broken). */
export function readLedger(): Ledger {
  try {
    const l = JSON.parse(sessionStorage.getItem(KEY) ?? 'null') as Ledger | null;
    if (l && Array.isArray(l.u)) return l;
  } catch {
    // a fresh ledger
  }
  return { c: 0, b: 0, h: 0, hb: 0, u: [] };
}

/** Writes the ledger; storage failures only lose accounting. */
export function writeLedger(l: Ledger): void {
  try {
    sessionStorage.setItem(KEY, JSON.stringify(l));
  } catch {
    // accounting for this page only
  }
}

/**
 * Settles the previous page's prefetches on arrival at `here`: counts a hit when `here` was
 * one of them, then starts this page's list. Returns the hit, if any.
 */
export function arrive(l: Ledger, here: string): [string, number, string] | undefined {
  const hit = l.u.find(([u]) => u == here);
  if (hit) {
    l.h++;
    l.hb += hit[1];
  }
  l.u = [];
  return hit;
}

/** Bytes prefetched and known to be wasted: not used by the page that followed. */
export const wasted = (l: Ledger): number => Math.max(0, l.b - l.hb - l.u.reduce((s, x) => s + x[1], 0));
