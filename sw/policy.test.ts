import { describe, expect, it } from 'vitest';
import { clearsCache, isFresh, refusal } from './policy';

const res = (status: number, headers: Record<string, string> = {}, type: ResponseType = 'basic') => ({
  status, type, header: (n: string) => headers[n.toLowerCase()] ?? null,
});

describe('cacheability policy', () => {
  it('stores a plain 200, including no-cache (the worker decides freshness itself)', () => {
    expect(refusal(res(200))).toBeUndefined();
    expect(refusal(res(200, { 'cache-control': 'no-cache, max-age=0' }))).toBeUndefined();
    expect(refusal(res(200, { 'cache-control': 'public, max-age=60' }))).toBeUndefined();
  });

  it.each([
    [res(200, { 'cache-control': 'no-store' }), 'no-store'],
    [res(200, { 'cache-control': 'max-age=0,no-store' }), 'no-store'],
    [res(200, { 'cache-control': 'Private, max-age=60' }), 'private'],
    [res(200, { 'set-cookie': 'a=1' }), 'set-cookie'],
    [res(200, { vary: 'Accept, *' }), 'vary'],
    [res(200, { vary: '*' }), 'vary'],
    [res(200, { vary: 'Cookie' }), 'vary'],
    [res(200, { vary: 'accept-encoding, Authorization' }), 'vary'],
    [res(200, { vary: 'Origin' }), 'vary'],
    [res(404), 'status'],
    [res(500), 'status'],
    [res(201), 'status'],
    [res(206, { 'content-range': 'bytes 0-9/100' }), 'partial'],
    [res(200, { 'content-range': 'bytes 0-9/100' }), 'partial'],
    [res(0, {}, 'opaque'), 'opaque'],
    [res(0, {}, 'opaqueredirect'), 'opaque'],
  ])('refuses %j', (r, why) => {
    expect(refusal(r)).toBe(why);
  });

  it('does not mistake a directive that only contains the word', () => {
    expect(refusal(res(200, { 'cache-control': 'x-no-store-ish=1' }))).toBeUndefined();
    expect(refusal(res(200, { vary: 'Accept-Encoding' }))).toBeUndefined();
    expect(refusal(res(200, { vary: ' accept-encoding , ' }))).toBeUndefined();
  });

  it('freshness is strictly within the TTL', () => {
    expect(isFresh(1000, 500, 1499)).toBe(true);
    expect(isFresh(1000, 500, 1500)).toBe(false);
    expect(isFresh(1000, Infinity, 1e15)).toBe(true);
    expect(isFresh(1000, 0, 1000)).toBe(false);
  });

  it('Clear-Site-Data clears the cache for "cache" and "*", not for other types', () => {
    expect(clearsCache('"cache"')).toBe(true);
    expect(clearsCache('"cookies", "storage", "*"')).toBe(true);
    expect(clearsCache('"Cache"')).toBe(true);
    expect(clearsCache('"cookies"')).toBe(false);
    expect(clearsCache('cache')).toBe(false); // the spec's values are quoted strings
    expect(clearsCache(null)).toBe(false);
  });
});
