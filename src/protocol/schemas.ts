import { S_FIELDS } from './constants';

/** Field codecs (docs/protocol.md §8). */
export const C_INT = 0;
/** Tenths of a millisecond. */
export const C_TIME = 1;
/** A string code. */
export const C_STR = 2;
/** A generic number. */
export const C_NUM = 3;
/** `time` when the event's unit is `ms`, else `num`. */
export const C_VNUM = 4;

/** Prediction reference: none. */
export const REF_NONE = -1;
/** Prediction reference: the event's value (tenths). */
export const REF_VALUE = -2;
/** Prediction references at or above this point at the parent event's field `ref - REF_PARENT`. */
export const REF_PARENT = 1000;

/** One compiled schema field. */
export interface Field {
  /** Attribute key (within a group: the part after `<prefix>.<j>.`). */
  readonly key: string;
  /** One of the `C_*` codecs. */
  readonly codec: number;
  /** Stream id. */
  readonly stream: number;
  /** Prediction: `a − b + c`, refs as `REF_*` or field indexes. */
  readonly a: number;
  readonly b: number;
  readonly c: number;
}

/** A repeated group: keys `<prefix>.<j>.<field>`. */
export interface Group {
  readonly prefix: string;
  readonly fields: readonly Field[];
  readonly byKey: ReadonlyMap<string, number>;
  readonly bitmapBytes: number;
}

/** A compiled schema of a known kind. */
export interface Schema {
  readonly kind: string;
  readonly fields: readonly Field[];
  readonly byKey: ReadonlyMap<string, number>;
  readonly bitmapBytes: number;
  /** Fields `[0, valueAt)` come before the value in decoding order. */
  readonly valueAt: number;
  /** Prediction of the value. */
  readonly va: number;
  readonly vb: number;
  readonly vc: number;
  readonly groups: readonly Group[];
}

// Source form: "key codec [a - b + c]" — parsed once at load so the tables stay
// readable and identical to docs/protocol.md §8.
type Spec = string;

const VITAL: Spec[] = [
  'seq int', 'page str', '$value', 'delta vnum [$value]', 'navigationType str', 'attribution.loadState str',
  'attribution.timeToFirstByte time', 'attribution.firstByteToFCP time', 'attribution.target str', 'attribution.url str',
  'attribution.resourceLoadDelay time', 'attribution.resourceLoadDuration time', 'attribution.elementRenderDelay time',
  'attribution.largestShiftTarget str', 'attribution.largestShiftTime time', 'attribution.largestShiftValue num',
  'attribution.waitingDuration time', 'attribution.cacheDuration time', 'attribution.dnsDuration time',
  'attribution.connectionDuration time', 'attribution.requestDuration time', 'attribution.interactionTarget str',
  'attribution.interactionTime time', 'attribution.interactionType str', 'attribution.nextPaintTime time',
  'attribution.inputDelay time', 'attribution.processingDuration time', 'attribution.presentationDelay time',
  'attribution.longestScript.subpart str', 'attribution.longestScript.intersectingDuration time',
  'attribution.longestScript.sourceURL str', 'attribution.longestScript.invokerType str',
  'attribution.longestScript.invoker str', 'attribution.totalScriptDuration time',
  'attribution.totalStyleAndLayoutDuration time', 'attribution.totalPaintDuration time',
  'attribution.totalUnattributedDuration time',
];

const RESOURCE: Spec[] = [
  'seq int', 'page str', 'initiatorType str', 'startTime time', 'redirectStart time [startTime]',
  'redirectEnd time [redirectStart]', 'workerStart time [startTime]', 'fetchStart time [startTime]',
  'domainLookupStart time [fetchStart]', 'domainLookupEnd time [domainLookupStart]', 'connectStart time [domainLookupEnd]',
  'secureConnectionStart time [connectStart]', 'connectEnd time [connectStart]', 'requestStart time [connectEnd]',
  'responseStart time [fetchStart]', 'responseEnd time [responseStart]', '$value [responseEnd - startTime]',
  'encodedBodySize int', 'transferSize int [encodedBodySize]', 'decodedBodySize int [encodedBodySize]',
  'nextHopProtocol str', 'responseStatus int [+200]', 'renderBlockingStatus str', 'deliveryType str', 'contentType str',
];

const LOAF: Spec[] = [
  'seq int', 'page str', '$value', 'startTime time', 'renderStart time [startTime]',
  'styleAndLayoutStart time [renderStart]', 'blockingDuration time [$value + -500]', 'firstUIEventTimestamp time',
];

const LOAF_SCRIPTS: Spec[] = [
  'invokerType str', 'invoker str', 'sourceURL str', 'sourceFunctionName str', 'sourceCharPosition int',
  'windowAttribution str', 'startTime time [^startTime]', 'executionStart time [^startTime]', 'duration time',
  'forcedStyleAndLayoutDuration time', 'pauseDuration time',
];

const CODECS: Record<string, number> = { int: C_INT, time: C_TIME, str: C_STR, num: C_NUM, vnum: C_VNUM };

let nextStream = S_FIELDS;

function compileFields(specs: Spec[], parent?: readonly string[]): { fields: Field[]; valueAt: number; va: number; vb: number; vc: number } {
  const names: string[] = [];
  const fields: Field[] = [];
  let valueAt = -1;
  let va = REF_NONE;
  let vb = REF_NONE;
  let vc = 0;
  const ref = (name: string | undefined): number => {
    if (name === undefined) return REF_NONE;
    if (name === '$value') return REF_VALUE;
    if (name.startsWith('^')) {
      const i = parent ? parent.indexOf(name.slice(1)) : -1;
      if (i < 0) throw new Error(`schema: unknown parent field ${name}`);
      return REF_PARENT + i;
    }
    const i = names.indexOf(name);
    if (i < 0) throw new Error(`schema: ${name} referenced before it is defined`);
    return i;
  };
  for (const spec of specs) {
    const m = /^(\S+)(?: (\w+))?(?: \[([^\]]*)\])?$/.exec(spec);
    if (!m) throw new Error(`schema: bad spec ${spec}`);
    const [, key, codecName, predSrc] = m;
    // "a", "a - b", "+c", "a + c": tiny grammar, enough for §8.
    let a: string | undefined;
    let b: string | undefined;
    let c = 0;
    if (predSrc) {
      const p = /^([\w$^.]+)?(?: ?- ([\w$^.]+))?(?: ?\+ ?(-?\d+))?$/.exec(predSrc.trim());
      if (!p) throw new Error(`schema: bad prediction ${predSrc}`);
      a = p[1];
      b = p[2];
      c = p[3] ? Number(p[3]) : 0;
    }
    if (key === '$value') {
      valueAt = fields.length;
      va = ref(a);
      vb = ref(b);
      vc = c;
      continue;
    }
    const codec = CODECS[codecName ?? ''];
    if (codec === undefined || key === undefined) throw new Error(`schema: bad codec in ${spec}`);
    fields.push({ key, codec, stream: nextStream++, a: ref(a), b: ref(b), c });
    names.push(key);
  }
  return { fields, valueAt: valueAt < 0 ? 0 : valueAt, va, vb, vc };
}

function schema(kind: string, specs: Spec[], groups: [string, Spec[]][] = []): Schema {
  const { fields, valueAt, va, vb, vc } = compileFields(specs);
  // The encoder tracks one group's items per event; a second group needs that generalised.
  if (groups.length > 1) throw new Error('schema: at most one group per kind');
  const keys = fields.map((f) => f.key);
  return {
    kind,
    fields,
    byKey: new Map(keys.map((k, i) => [k, i])),
    bitmapBytes: (fields.length + 7) >> 3,
    valueAt,
    va,
    vb,
    vc,
    groups: groups.map(([prefix, g]) => {
      const gf = compileFields(g, keys).fields;
      return { prefix, fields: gf, byKey: new Map(gf.map((f, i) => [f.key, i])), bitmapBytes: (gf.length + 7) >> 3 };
    }),
  };
}

/** Schemas of protocol version 1, by kind. */
export const SCHEMAS: ReadonlyMap<string, Schema> = new Map([
  ['vital', schema('vital', VITAL)],
  ['resource', schema('resource', RESOURCE)],
  ['loaf', schema('loaf', LOAF, [['scripts', LOAF_SCRIPTS]])],
]);

/** Number of streams in version 1 (8 base + one per schema field). */
export const STREAM_COUNT = nextStream;

/** Largest group item index the encoder puts in a group; beyond it keys stay generic. */
export const MAX_GROUP_ITEMS = 1024;

/**
 * The prediction `a − b + c` of a field, in its units; 0 when a referenced slot
 * is absent (NaN). Shared by encoder and decoder so they cannot disagree.
 */
export function predict(a: number, b: number, c: number, slots: Float64Array, parent: Float64Array | undefined, value: number): number {
  let p = c;
  if (a !== REF_NONE) {
    const x = a === REF_VALUE ? value : a >= REF_PARENT ? parent![a - REF_PARENT]! : slots[a]!;
    if (x !== x) return 0;
    p += x;
  }
  if (b !== REF_NONE) {
    const x = b === REF_VALUE ? value : b >= REF_PARENT ? parent![b - REF_PARENT]! : slots[b]!;
    if (x !== x) return 0;
    p -= x;
  }
  return p;
}
