import { describe, expect, it } from 'vitest';
import { createField } from './field.js';

type Snapshot = { sessions: number; metrics: Record<string, { count: number; p75: number; grade: string }> };

const batch = (sessionId: string, events: object[], page = 'http://127.0.0.1/p') => ({ v: 1, batchId: Math.random().toString(16), sessionId, page, sentAt: Date.now(), events });

describe('demo field view', () => {
  it('keeps field percentiles across sessions within the sketch bound, one value per vital id', () => {
    const f = createField();
    for (let i = 1; i <= 1000; i++) f.add(batch(`s${i % 7}`, [{ kind: 'vital', name: 'LCP', value: i, unit: 'ms', rating: 'good', ts: Date.now(), id: `v5-${i}` }]), { contentType: 'application/json', bytes: 100 });
    // A later report of the same id replaces the earlier one instead of counting twice.
    f.add(batch('s1', [{ kind: 'vital', name: 'LCP', value: 5000, unit: 'ms', rating: 'poor', ts: Date.now(), id: 'v5-1' }]), { contentType: 'application/json', bytes: 100 });
    const lcp = (f.snapshot() as unknown as Snapshot).metrics.LCP!;
    expect(lcp.count).toBe(1000);
    expect(Math.abs(lcp.p75 - 751) / 751).toBeLessThanOrEqual(0.005);
    expect(lcp.grade).toBe('A');
    expect((f.snapshot() as unknown as Snapshot).sessions).toBe(7);
  });
});
