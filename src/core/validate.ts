import { fail } from './errors';
import type { Attrs } from './types';

/** A metric name: a non-empty string of at most 200 characters. */
export function metricName(field: string, v: unknown): string {
  if (typeof v !== 'string' || !v || v.length > 200) fail(field, v, 'a non-empty string of at most 200 characters');
  return v;
}

/** A finite number. */
export function finite(field: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(field, v, 'a finite number');
  return v;
}

/** Flat attributes: string, finite number or boolean values only. */
export function flatAttrs(field: string, v: unknown): Attrs | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(field, v, 'an object of string, number or boolean values');
  for (const [k, x] of Object.entries(v)) {
    if (typeof x !== 'string' && typeof x !== 'boolean' && !(typeof x === 'number' && Number.isFinite(x))) {
      fail(`${field}.${k}`, x, 'a string, a finite number or a boolean (attrs are flat)');
    }
  }
  return { ...(v as Attrs) };
}
