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

  it('measures a prerendered page from its activation, as web-vitals measures TTFB there', () => {
    // Activated at 160: everything before counts 0, the response's tail and the DOM from then on.
    const phases = Object.fromEntries(navigationPhases({ ...nav, activationStart: 160 }));
    expect(phases).toEqual({ 'nav.redirect': 0, 'nav.dns': 0, 'nav.connect': 0, 'nav.tls': 0, 'nav.request': 0, 'nav.response': 10, 'nav.dom': 230 });
    // TTFB in web-vitals: max(responseStart - activationStart, 0); the phases up to the first byte sum to it.
    expect(phases['nav.redirect']! + phases['nav.dns']! + phases['nav.connect']! + phases['nav.request']!).toBe(Math.max(nav.responseStart - 160, 0));
    expect(navigationEvents({ ...nav, activationStart: 160 }, 5)[0]!.attrs).toEqual({ navigationType: 'prerender' });
    expect(navigationEvents({ ...nav, activationStart: 0 }, 5)[0]).not.toHaveProperty('attrs');
  });
});
