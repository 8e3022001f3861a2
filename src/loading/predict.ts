/** Transition counts: from page → to page → times this browser went that way. */
export type Model = Record<string, Record<string, number>>;

/** Bounds of the model, so that it never grows without end. */
export interface ModelLimits {
  /** Pages remembered as a starting point (least recently left dropped first). Default 100. */
  pages: number;
  /** Next pages remembered per page (rarest dropped first). Default 10. */
  next: number;
  /** When the counts from one page sum past this, they are halved: recent habits weigh more. Default 64. */
  halveAt: number;
}

const LIMITS: ModelLimits = { pages: 100, next: 10, halveAt: 64 };

const sum = (row: Record<string, number>): number => Object.values(row).reduce((a, b) => a + b, 0);

/** Learns one navigation `from` → `to` (mutates and returns `model`). Self-transitions (reloads) are ignored. */
export function learn(model: Model, from: string, to: string, limits: ModelLimits = LIMITS): Model {
  if (from == to) return model;
  const row = model[from] ?? {};
  delete model[from];
  model[from] = row; // most recently left last
  row[to] = (row[to] ?? 0) + 1;
  // Own keys only (never for-in): a host page may have put enumerable extras on Object.prototype.
  if (sum(row) > limits.halveAt) {
    for (const k of Object.keys(row)) if (!(row[k] = Math.floor(row[k]! / 2))) delete row[k];
  }
  const keys = Object.keys(row).sort((a, b) => row[a]! - row[b]!);
  // Never drop the page just learned: it is the newest evidence.
  for (const k of keys.filter((k) => k != to).slice(0, Math.max(0, keys.length - limits.next))) delete row[k];
  const pages = Object.keys(model);
  for (const p of pages.slice(0, Math.max(0, pages.length - limits.pages))) delete model[p];
  return model;
}

/**
 * The likeliest next pages after `from`: at most `top`, each with probability at least
 * `threshold`, best first, once `from` has been left at least `minVisits` times.
 */
export function predict(model: Model, from: string, threshold: number, top: number, minVisits = 2): string[] {
  const row = model[from];
  if (!row) return [];
  const total = sum(row);
  if (total < minVisits) return [];
  return Object.keys(row)
    .filter((k) => row[k]! / total >= threshold)
    .sort((a, b) => row[b]! - row[a]!)
    .slice(0, top);
}
