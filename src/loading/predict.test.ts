import { describe, expect, it } from 'vitest';
import { learn, predict } from './predict';
import type { Model } from './predict';

describe('next-page model', () => {
  it('predicts nothing until a page has been left at least twice', () => {
    const m = learn({}, '/home', '/a');
    expect(predict(m, '/home', 0.3, 2)).toEqual([]);
    learn(m, '/home', '/a');
    expect(predict(m, '/home', 0.3, 2)).toEqual(['/a']);
  });

  it('keeps the top candidates above the threshold, best first', () => {
    const m: Model = {};
    for (const to of ['/a', '/a', '/a', '/a', '/b', '/b', '/b', '/c', '/d', '/e']) learn(m, '/home', to);
    expect(predict(m, '/home', 0.3, 2)).toEqual(['/a', '/b']);
    expect(predict(m, '/home', 0.35, 2)).toEqual(['/a']);
    expect(predict(m, '/home', 0.05, 1)).toEqual(['/a']);
    expect(predict(m, '/nowhere', 0, 5)).toEqual([]);
  });

  it('counts own keys only: enumerable extras on Object.prototype change no count', () => {
    const proto = Object.prototype as Record<string, unknown>;
    proto.polluted = 50;
    try {
      const m = learn(learn({}, '/home', '/a'), '/home', '/a');
      expect(predict(m, '/home', 0.3, 2)).toEqual(['/a']);
      expect(Object.keys(m['/home']!)).toEqual(['/a']);
    } finally {
      delete proto.polluted;
    }
  });

  it('ignores reloads (self-transitions)', () => {
    expect(learn({}, '/a', '/a')).toEqual({});
  });

  it('is bounded: pages, next pages per page, and counts halved so new habits win', () => {
    const m: Model = {};
    const limits = { pages: 3, next: 2, halveAt: 8 };
    for (const p of ['/1', '/2', '/3', '/4']) learn(m, p, '/x', limits);
    expect(Object.keys(m)).toEqual(['/2', '/3', '/4']);
    learn(m, '/4', '/y', limits);
    learn(m, '/4', '/y', limits);
    learn(m, '/4', '/z', limits); // rarest other than the newest goes
    expect(Object.keys(m['/4']!).sort()).toEqual(['/y', '/z']);
    for (let i = 0; i < 20; i++) learn(m, '/4', '/z', limits);
    const total = Object.values(m['/4']!).reduce((a, b) => a + b, 0);
    expect(total).toBeLessThanOrEqual(8);
    expect(predict(m, '/4', 0.6, 1)).toEqual(['/z']);
  });

  it('reaches ≥ 60% precision on a user who mostly follows one path', () => {
    // Deterministic: from each page the user goes to its usual next page 4 times in 5.
    const pages = ['/home', '/list', '/item', '/cart', '/pay'];
    const m: Model = {};
    let hits = 0;
    let guesses = 0;
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    let at = '/home';
    for (let i = 0; i < 400; i++) {
      const usual = pages[(pages.indexOf(at) + 1) % pages.length]!;
      const next = rand() < 0.8 ? usual : pages[Math.floor(rand() * pages.length)]!;
      const guess = predict(m, at, 0.3, 2);
      guesses += guess.length;
      hits += guess.includes(next) ? 1 : 0;
      learn(m, at, next);
      at = next;
    }
    expect(hits / guesses).toBeGreaterThanOrEqual(0.6);
  });
});
