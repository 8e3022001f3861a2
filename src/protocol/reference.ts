/**
 * Converts the shared reference batches (`/work/shared/bench/reference-batch-*.json`,
 * a flat beacon format with `type`d events and nested attribution) to `Batch`,
 * and back. Used by the codec tests and benchmarks to measure real-looking data.
 */
import type { AttrValue, Attrs, Batch, PerfEvent, Rating } from '../core/types';
import { PROTOCOL_VERSION } from '../core/types';

/** An event of the reference format: `type` plus loosely typed fields. */
export interface ReferenceEvent {
  type: string;
  ts: number;
  page?: string;
  [key: string]: unknown;
}

/** A batch of the reference format. */
export interface ReferenceBatch {
  v: number;
  sdk?: string;
  sid: string;
  sentAt: number;
  ua?: string;
  events: ReferenceEvent[];
}

const KIND_OF: Record<string, string> = { 'web-vital': 'vital', resource: 'resource', loaf: 'loaf' };
const TYPE_OF: Record<string, string> = { vital: 'web-vital', resource: 'resource', loaf: 'loaf' };
const LOAF_NAME = 'long-animation-frame';

/**
 * A stable 16-hex-digit id (the batcher's `batchId` shape) derived from the
 * reference batch, so benchmarks and vectors do not change between runs.
 */
function stableId(seed: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < seed.length; i++) {
    const c = seed.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ c, 0x5bd1e995) >>> 0;
  }
  return (h1.toString(16).padStart(8, '0') + h2.toString(16).padStart(8, '0')).slice(0, 16);
}

function flatten(prefix: string, v: unknown, out: Attrs): void {
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') {
    out[prefix] = v;
  } else if (Array.isArray(v)) {
    v.forEach((x, i) => flatten(`${prefix}.${i}`, x, out));
  } else if (v !== null && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) flatten(prefix ? `${prefix}.${k}` : k, x, out);
  } else {
    throw new TypeError(`reference: cannot represent ${String(v)} at ${prefix}`);
  }
}

/**
 * Converts a reference batch to a `Batch`, keeping all event information:
 * `web-vital` → kind `vital` (unit `ms` except CLS), `resource` → kind
 * `resource` (name = URL, value = duration), `loaf` → kind `loaf`
 * (name `long-animation-frame`, value = duration); every other field goes to
 * `attrs`, nested objects and arrays flattened with dotted keys
 * (`attribution.url`, `scripts.0.invoker`). `Batch.page` is the last event's
 * page; an event on another page carries it as `attrs.page`.
 *
 * `ua` and `sdk` have no place in `Batch` and are dropped (the browser sends
 * the User-Agent header anyway); {@link referenceExtras} returns them.
 */
export function referenceToBatch(ref: ReferenceBatch): Batch {
  const page = ref.events.length > 0 ? String(ref.events[ref.events.length - 1]!.page ?? '') : '';
  const events = ref.events.map((re): PerfEvent => {
    const kind = KIND_OF[re.type] ?? re.type;
    const attrs: Attrs = {};
    const skip = new Set(['type', 'ts', 'page']);
    let name: string;
    let value: number;
    let unit: string | undefined;
    let rating: Rating | undefined;
    let id: string | undefined;
    if (kind === 'vital') {
      name = String(re.name);
      value = Number(re.value);
      unit = name === 'CLS' ? undefined : 'ms';
      rating = re.rating as Rating | undefined;
      id = re.id as string | undefined;
      for (const k of ['name', 'value', 'rating', 'id']) skip.add(k);
    } else if (kind === 'resource') {
      name = String(re.name);
      value = Number(re.duration);
      unit = 'ms';
      skip.add('name').add('duration');
    } else if (kind === 'loaf') {
      name = LOAF_NAME;
      value = Number(re.duration);
      unit = 'ms';
      skip.add('duration');
    } else {
      name = typeof re.name === 'string' ? re.name : re.type;
      value = typeof re.value === 'number' ? re.value : 0;
      skip.add('name').add('value');
    }
    for (const [k, v] of Object.entries(re)) if (!skip.has(k)) flatten(k, v, attrs);
    if (re.page !== undefined && re.page !== page) attrs.page = re.page;
    const e: PerfEvent = { kind, name, value, ts: re.ts };
    if (unit !== undefined) e.unit = unit;
    if (rating !== undefined) e.rating = rating;
    if (id !== undefined) e.id = id;
    if (Object.keys(attrs).length > 0) e.attrs = attrs;
    return e;
  });
  return {
    v: PROTOCOL_VERSION,
    batchId: stableId(`${ref.sid}:${ref.sentAt}:${ref.events.length}`),
    sessionId: ref.sid,
    page,
    sentAt: ref.sentAt,
    events,
  };
}

/** The reference batch fields that `Batch` cannot hold. */
export function referenceExtras(ref: ReferenceBatch): { ua?: string; sdk?: string } {
  const out: { ua?: string; sdk?: string } = {};
  if (ref.ua !== undefined) out.ua = ref.ua;
  if (ref.sdk !== undefined) out.sdk = ref.sdk;
  return out;
}

function unflatten(attrs: Attrs, into: Record<string, unknown>): void {
  for (const [key, v] of Object.entries(attrs)) {
    const parts = key.split('.');
    let node: Record<string, unknown> | unknown[] = into;
    for (let i = 0; i < parts.length - 1; i++) {
      const p = parts[i]!;
      const nextIsIndex = /^(0|[1-9]\d*)$/.test(parts[i + 1]!);
      const slot = (node)[p];
      const child = slot ?? (nextIsIndex ? [] : {});
      (node)[p] = child;
      node = child as Record<string, unknown>;
    }
    (node as Record<string, AttrValue>)[parts[parts.length - 1]!] = v;
  }
}

/**
 * The inverse of {@link referenceToBatch}: rebuilds the reference batch, so a
 * test can prove that encoding kept every piece of information.
 */
export function batchToReference(batch: Batch, extras: { ua?: string; sdk?: string } = {}): ReferenceBatch {
  const events = batch.events.map((e): ReferenceEvent => {
    const type = TYPE_OF[e.kind] ?? e.kind;
    const re: ReferenceEvent = { type, ts: e.ts, page: batch.page };
    const attrs = { ...(e.attrs ?? {}) };
    if (typeof attrs.page === 'string') {
      re.page = attrs.page;
      delete attrs.page;
    }
    if (e.kind === 'vital') {
      re.name = e.name;
      re.value = e.value;
      if (e.rating !== undefined) re.rating = e.rating;
      if (e.id !== undefined) re.id = e.id;
    } else if (e.kind === 'resource') {
      re.name = e.name;
      re.duration = e.value;
    } else if (e.kind === 'loaf') {
      re.duration = e.value;
    } else {
      re.name = e.name;
      re.value = e.value;
    }
    unflatten(attrs, re);
    return re;
  });
  const out: ReferenceBatch = { v: batch.v, sid: batch.sessionId, sentAt: batch.sentAt, events };
  if (extras.sdk !== undefined) out.sdk = extras.sdk;
  if (extras.ua !== undefined) out.ua = extras.ua;
  return out;
}
