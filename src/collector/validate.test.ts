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
