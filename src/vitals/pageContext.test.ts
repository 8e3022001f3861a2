import { describe, expect, it } from 'vitest';
import { contextEvent, MAX_SERVER_TIMINGS, viewportClass } from './pageContext';

describe('page context', () => {
  it('carries connection, device, viewport class and the Server-Timing entries', () => {
    const e = contextEvent(
      { connection: { effectiveType: '4g', saveData: false }, deviceMemory: 8, hardwareConcurrency: 4 },
      390,
      [{ name: 'db', duration: 53.2 }, { name: 'cache', duration: 0 }],
      7,
    );
    expect(e).toEqual({
      kind: 'context', name: 'context', value: 1, ts: 7,
      attrs: { effectiveType: '4g', saveData: false, deviceMemory: 8, hardwareConcurrency: 4, viewport: 'mobile', 'serverTiming.db': 53.2, 'serverTiming.cache': 0 },
    });
  });

  it('leaves out what the browser lacks (Safari, Firefox: no connection, no deviceMemory)', () => {
    expect(contextEvent({ hardwareConcurrency: 8 }, 1440).attrs).toEqual({ hardwareConcurrency: 8, viewport: 'desktop' });
    expect(contextEvent({}, 800).attrs).toEqual({ viewport: 'tablet' });
  });

  it('bounds the server\'s entries: count, name length, no duplicates, no NaN, own keys only', () => {
    const many = Array.from({ length: 50 }, (_, i) => ({ name: `t${i}`, duration: i }));
    const hostile = [{ name: 'x'.repeat(500), duration: 1 }, { name: '', duration: 1 }, { name: 'nan', duration: NaN }, { name: 'db', duration: 1 }, { name: 'db', duration: 2 }, { name: '__proto__', duration: 3 }];
    const attrs = contextEvent({}, 100, [...hostile, ...many]).attrs!;
    const timings = Object.keys(attrs).filter((k) => k.startsWith('serverTiming.'));
    expect(timings).toHaveLength(MAX_SERVER_TIMINGS);
    expect(attrs[`serverTiming.${'x'.repeat(64)}`]).toBe(1);
    expect(attrs['serverTiming.db']).toBe(1);
    expect(attrs['serverTiming.__proto__']).toBe(3);
    expect(timings).not.toContain('serverTiming.nan');
  });

  it('classes viewports at 768 and 1024 CSS px', () => {
    expect([767, 768, 1023, 1024].map(viewportClass)).toEqual(['mobile', 'tablet', 'tablet', 'desktop']);
  });
});
