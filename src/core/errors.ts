/**
 * The error every public pagepace function throws on bad input.
 * Its message names the field, the value received and what is allowed.
 *
 * @example
 * try { createPagePace({ sampleRate: 2 }); } catch (e) { if (e instanceof PagePaceError) … }
 */
export class PagePaceError extends Error {
  /** The config path or argument at fault, e.g. `batch.maxEvents`. */
  readonly field: string;

  constructor(field: string, message: string) {
    super(message);
    this.name = 'PagePaceError';
    this.field = field;
  }
}

/** Renders a received value for an error message, shortly and safely. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? value.slice(0, 57) + '...' : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value);
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return 'an array';
  return 'an object';
}

/** Throws a PagePaceError naming `field`, the value received and what is allowed. */
export function fail(field: string, value: unknown, allowed: string): never {
  throw new PagePaceError(field, `pagepace: ${field} must be ${allowed}; received ${describe(value)}.`);
}
