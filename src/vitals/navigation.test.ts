import { describe, expect, it } from 'vitest';
import { navigationEvents, navigationPhases } from './navigation';
import type { NavigationTimes } from './navigation';

const nav: NavigationTimes = {
  redirectStart: 1, redirectEnd: 11, domainLookupStart: 12, domainLookupEnd: 20, connectStart: 20, secureConnectionStart: 30,
  connectEnd: 45, requestStart: 46, responseStart: 146, responseEnd: 170, domComplete: 400,
};

describe('navigation phases', () => {
  it('splits a load into redirect, DNS, connect, TLS, request, response and DOM processing', () => {
    expect(Object.fromEntries(navigationPhases(nav))).toEqual({
      'nav.redirect': 10, 'nav.dns': 8, 'nav.connect': 25, 'nav.tls': 15, 'nav.request': 100, 'nav.response': 24, 'nav.dom': 230,
    });
  });

  it('leaves TLS out on plain http and never reports a negative phase', () => {
    const phases = Object.fromEntries(navigationPhases({ ...nav, secureConnectionStart: 0, redirectStart: 0, redirectEnd: 0, domComplete: 0 }));
    expect(phases).not.toHaveProperty('nav.tls');
    expect(phases['nav.redirect']).toBe(0);
    expect(phases['nav.dom']).toBe(0);
  });

  it('makes navigation events in ms', () => {
    expect(navigationEvents(nav, 5)[0]).toEqual({ kind: 'navigation', name: 'nav.redirect', value: 10, unit: 'ms', ts: 5 });
  });
});
