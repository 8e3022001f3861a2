import { deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decompress, parseContentCoding } from './body';
import { CollectorError } from './errors';

describe('parseContentCoding', () => {
  it('knows identity, gzip and deflate, and answers 415 otherwise', () => {
    expect(parseContentCoding(undefined)).toBe('identity');
    expect(parseContentCoding('GZIP')).toBe('gzip');
    expect(parseContentCoding('deflate')).toBe('deflate');
    for (const bad of ['br', 'gzip, deflate', 'zstd']) {
      expect(() => parseContentCoding(bad)).toThrow(expect.objectContaining({ status: 415 }));
    }
  });
});

describe('decompress', () => {
  const text = Buffer.from('hello '.repeat(100));

  it('inflates gzip, zlib deflate and raw deflate', async () => {
    expect(await decompress(gzipSync(text), 'gzip', 1000)).toEqual(text);
    expect(await decompress(deflateSync(text), 'deflate', 1000)).toEqual(text);
    expect(await decompress(deflateRawSync(text), 'deflate', 1000)).toEqual(text);
  });

  it('stops at the limit with 413 (a bomb never expands in memory)', async () => {
    const bomb = gzipSync(Buffer.alloc(50_000_000));
    expect(bomb.length).toBeLessThan(100_000);
    await expect(decompress(bomb, 'gzip', 65_536)).rejects.toMatchObject({ status: 413 });
    await expect(decompress(gzipSync(Buffer.alloc(600)), 'gzip', 600)).resolves.toHaveLength(600);
  });

  it('answers 400 for data that is not what it claims', async () => {
    const e = await decompress(Buffer.from('not gzip'), 'gzip', 1000).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(CollectorError);
    expect((e as CollectorError).status).toBe(400);
    expect((e as CollectorError).reason).toMatch(/^body is not valid gzip data/);
  });
});
