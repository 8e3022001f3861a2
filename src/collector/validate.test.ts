import { describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../core/types';
import { CollectorError } from './errors';
import { DEFAULT_LIMITS, validateBatch } from './validate';

const good = () => ({
  v: 1,
  batchId: 'b1',
  sessionId: 's1',
  page: 'https://shop.example/cart',
  sentAt: 1_700_000_000_000,
  events: [
    { kind: 'vital', name: 'LCP', value: 1234.5, unit: 'ms', rating: 'good', ts: 1_700_000_000_000, id: 'v5-1', attrs: { element: 'img.hero', size: 3, bfcache: false } },
    { kind: 'mark', name: 'checkout:start', value: 88, ts: 1_700_000_000_001 },
  ],
});

function reason(value: unknown): string {
  try {
    validateBatch(value);
  } catch (e) {
    expect(e).toBeInstanceOf(CollectorError);
    expect((e as CollectorError).status).toBe(400);
    return (e as CollectorError).reason;
  }
  throw new Error('expected validateBatch to throw');
}

describe('validateBatch', () => {
  it('returns a valid batch unchanged in content', () => {
    expect(validateBatch(good())).toEqual(good());
  });

  it('ignores unknown fields at every level instead of failing', () => {
    const input = { ...good(), future: { x: 1 }, events: [{ ...good().events[1], extra: [1, 2] }] };
    const out = validateBatch(input);
    expect(out).not.toHaveProperty('future');
    expect(out.events[0]).not.toHaveProperty('extra');
    expect(out.events[0]?.name).toBe('checkout:start');
  });

  it('treats null optional fields as absent', () => {
    const out = validateBatch({ ...good(), events: [{ kind: 'custom', name: 'n', value: 1, ts: 2, unit: null, rating: null, id: null, attrs: null }] });
    expect(out.events[0]).toEqual({ kind: 'custom', name: 'n', value: 1, ts: 2 });
  });

  it('names the path, the value received and what is allowed', () => {
    const bad = good() as Record<string, unknown> & { events: Record<string, unknown>[] };
    bad.events.push({ kind: 'x', name: 'y', value: 1, ts: 1 }, { kind: 'x', name: 'y', value: 'abc', ts: 1 });
    expect(reason(bad)).toBe('events[3].value must be a finite number; received "abc"');
  });

  it.each([
    ['batch', [], 'batch must be an object; received an array'],
    ['v missing', { ...good(), v: undefined }, 'v must be a positive integer (the protocol version); received undefined'],
    ['v fraction', { ...good(), v: 1.5 }, 'v must be a positive integer'],
    ['batchId empty', { ...good(), batchId: '' }, 'batchId must be a non-empty string of at most 128 characters; received ""'],
    ['sessionId number', { ...good(), sessionId: 7 }, 'sessionId must be a non-empty string'],
    ['batchId too long', { ...good(), batchId: 'x'.repeat(129) }, 'batchId must be a non-empty string of at most 128'],
    ['page', { ...good(), page: null }, 'page must be a string'],
    ['sentAt', { ...good(), sentAt: '1' }, 'sentAt must be a finite number; received "1"'],
    ['events', { ...good(), events: {} }, 'events must be an array; received an object'],
    ['event', { ...good(), events: [3] }, 'events[0] must be an object; received 3'],
    ['kind', { ...good(), events: [{ name: 'a', value: 1, ts: 1 }] }, 'events[0].kind must be a non-empty string'],
    ['name', { ...good(), events: [{ kind: 'a', name: '', value: 1, ts: 1 }] }, 'events[0].name must be a non-empty string'],
    ['ts', { ...good(), events: [{ kind: 'a', name: 'b', value: 1, ts: Infinity }] }, 'events[0].ts must be a finite number; received Infinity'],
    ['rating', { ...good(), events: [{ kind: 'a', name: 'b', value: 1, ts: 1, rating: 'ok' }] }, 'events[0].rating must be one of "good", "needs-improvement", "poor"; received "ok"'],
    ['unit', { ...good(), events: [{ kind: 'a', name: 'b', value: 1, ts: 1, unit: 5 }] }, 'events[0].unit must be a string'],
    ['attrs array', { ...good(), events: [{ kind: 'a', name: 'b', value: 1, ts: 1, attrs: [] }] }, 'events[0].attrs must be a flat object'],
    ['attrs nested', { ...good(), events: [{ kind: 'a', name: 'b', value: 1, ts: 1, attrs: { deep: { x: 1 } } }] }, 'events[0].attrs.deep must be a string, a finite number or a boolean; received an object'],
    ['attrs odd key', { ...good(), events: [{ kind: 'a', name: 'b', value: 1, ts: 1, attrs: { 'a-b': null } }] }, 'events[0].attrs["a-b"] must be a string'],
  ])('rejects a bad %s', (_label, input, expected) => {
    expect(reason(input)).toContain(expected);
  });

  it('says clearly when the protocol version is newer than it reads', () => {
    const r = reason({ ...good(), v: PROTOCOL_VERSION + 1 });
    expect(r).toContain(`v is ${PROTOCOL_VERSION + 1}`);
    expect(r).toContain(`up to ${PROTOCOL_VERSION}`);
    expect(r).toContain('upgrade');
  });

  it('bounds the event count, configurable', () => {
    const event = { kind: 'a', name: 'b', value: 1, ts: 1 };
    const many = { ...good(), events: Array.from({ length: DEFAULT_LIMITS.maxEvents + 1 }, () => event) };
    expect(reason(many)).toBe(`events must hold at most ${DEFAULT_LIMITS.maxEvents} events; received ${DEFAULT_LIMITS.maxEvents + 1}`);
    expect(() => validateBatch({ ...good(), events: [event, event, event] }, { maxEvents: 2 })).toThrow(/at most 2 events/);
  });

  it('keeps a "__proto__" attr as plain data', () => {
    const input = JSON.parse('{"v":1,"batchId":"b","sessionId":"s","page":"","sentAt":1,"events":[{"kind":"a","name":"b","value":1,"ts":1,"attrs":{"__proto__":"x","ok":1}}]}');
    const attrs = validateBatch(input).events[0]?.attrs as Record<string, unknown>;
    expect(Object.getPrototypeOf(attrs)).toBe(Object.prototype);
    expect(Object.keys(attrs)).toEqual(['__proto__', 'ok']);
  });
});

describe('U+0000 and lone surrogates (issue 15, item 4)', () => {
  const fail = (value: unknown): CollectorError => {
    try {
      validateBatch(value);
    } catch (e) {
      expect(e).toBeInstanceOf(CollectorError);
      return e as CollectorError;
    }
    throw new Error('expected validateBatch to throw');
  };

  it.each([
    ['batchId', (b: ReturnType<typeof good>) => void (b.batchId = 'b\u0000'), 'batchId'],
    ['sessionId', (b: ReturnType<typeof good>) => void (b.sessionId = 's\ud800'), 'sessionId'],
    ['event id', (b: ReturnType<typeof good>) => void (b.events[0]!.id = '\udc00x'), 'events[0].id'],
  ])('refuses them in ids: %s', (_, edit, path) => {
    const b = good();
    edit(b);
    const e = fail(b);
    expect(e.status).toBe(400);
    expect(e.path).toBe(path);
    expect(e.reason).toMatch(/an id without U\+0000 or lone surrogates/);
  });

  it('refuses them in attribute keys', () => {
    const b = good();
    (b.events[0]!.attrs as Record<string, unknown>)['a\u0000b'] = 1;
    expect(fail(b).reason).toMatch(/has a key with U\+0000 or a lone surrogate/);
  });

  it('replaces them with U+FFFD in page, kind, name, unit and attribute values; keeps surrogate pairs', () => {
    const b = good();
    b.page = 'https://a.example/\u0000x\ud800';
    b.events[0]!.name = 'L\udfffCP 👩‍💻';
    b.events[0]!.unit = 'm\u0000s';
    b.events[1]!.kind = 'ma\ud83drk';
    (b.events[0]!.attrs as Record<string, unknown>).element = 'img\u0000.hero\udbff';
    const out = validateBatch(b);
    expect(out.page).toBe('https://a.example/\ufffdx\ufffd');
    expect(out.events[0]!.name).toBe('L\ufffdCP 👩‍💻');
    expect(out.events[0]!.unit).toBe('m\ufffds');
    expect(out.events[1]!.kind).toBe('ma\ufffdrk');
    expect(out.events[0]!.attrs!.element).toBe('img\ufffd.hero\ufffd');
  });
});

describe('maxChars: the batch as a whole', () => {
  it('counts every string, keys included, and answers 413 past it', () => {
    const b = good();
    // b1 s1 page(25) vital LCP ms good v5-1 element img.hero size bfcache mark checkout:start
    const chars = 2 + 2 + 25 + 5 + 3 + 2 + 4 + 4 + 7 + 8 + 4 + 7 + 4 + 14;
    expect(() => validateBatch(b, { maxChars: chars })).not.toThrow();
    try {
      validateBatch(b, { maxChars: chars - 1 });
      throw new Error('expected a 413');
    } catch (e) {
      expect((e as CollectorError).status).toBe(413);
      expect((e as CollectorError).reason).toBe(`batch holds more than ${chars - 1} characters of strings (reached at events[1].name); send smaller batches`);
    }
  });

  it('defaults to 8 × 64 KiB', () => {
    expect(DEFAULT_LIMITS.maxChars).toBe(524_288);
    const attrs = Object.fromEntries(Array.from({ length: 64 }, (_, k) => [`k${k}`, 'v'.repeat(2048)]));
    const events = Array.from({ length: 5 }, (_, i) => ({ kind: 'custom', name: 'n', value: i, ts: i, attrs }));
    expect(() => validateBatch({ ...good(), events })).toThrow(/more than 524288 characters/);
  });
});
