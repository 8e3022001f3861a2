/**
 * Prefetch accounting for the browser session (tab), kept in sessionStorage so that the next
 * page can tell whether what the previous page prefetched was used.
 */
export interface Ledger {
  /** Prefetches asked for this session, withdrawn and ignored ones included (the `maxPrefetches` budget). */
  n?: number;
  /** Prefetches that really went this session (see `hint`). */
  c: number;
  /** Their bytes (measured where the page can see them, else estimated). */
  b: number;
  /** Prefetches then navigated to. */
  h: number;
  /** Bytes of those. */
  hb: number;
  /** What the current page prefetched: [url, bytes, trigger]. */
  u: Array<[string, number, string]>;
  /**
   * What the current page asked for that had not settled yet: [url, estimated bytes, trigger]. A
   * navigation can come first (a press on the link); the next page counts it if its
   * `deliveryType` says the prefetch served it.
   */
  w?: Array<[string, number, string]>;
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
 * one of them, or was still waiting and this navigation was `delivered` from a prefetch (then it
 * counts as a prefetch too); then starts this page's lists. Returns the hit, if any.
 */
export function arrive(l: Ledger, here: string, delivered = false): [string, number, string] | undefined {
  let hit = l.u.find(([u]) => u == here);
  const late = hit ? undefined : delivered ? l.w?.find(([u]) => u == here) : undefined;
  if (late) {
    hit = late;
    l.c++;
    l.b += late[1];
  }
  if (hit) {
    l.h++;
    l.hb += hit[1];
  }
  l.u = [];
  l.w = [];
  return hit;
}

/** Bytes prefetched and known to be wasted: not used by the page that followed. */
export const wasted = (l: Ledger): number => Math.max(0, l.b - l.hb - l.u.reduce((s, x) => s + x[1], 0));
