import { describe, expect, it } from 'vitest';
import { DICT_SIZE, DICTIONARY } from './dictionary';
import { Reader } from './reader';
import { readStringTable, readTemplates, StringCodes, StringTableWriter } from './strings';
import { Writer } from './writer';

/** Encodes `list` through the table writer and decodes it back via string codes. */
function roundTrip(list: string[], useTemplates = true): { out: string[]; bytes: number } {
  const t = new StringTableWriter(useTemplates);
  const codes = new Writer();
  for (const s of list) codes.varint(t.code(s));
  const w = new Writer();
  w.varint(t.templateCount);
  w.bytes(t.templates.finish());
  w.varint(t.count);
  w.bytes(t.out.finish());
  const buf = w.finish();
  const r = new Reader(buf, 0, buf.length);
  const templates = readTemplates(r, r.varint('m'));
  const entries = readStringTable(r, r.varint('t'), templates);
  expect(r.left()).toBe(0);
  const c = new StringCodes(entries);
  const cr = new Reader(codes.finish(), 0, codes.pos);
  const out = list.map(() => c.read(cr, 's'));
  expect(c.next).toBe(entries.length);
  return { out, bytes: buf.length };
}

describe('string table', () => {
  it('round-trips tricky strings', () => {
    const list = [
      '', 'ms', 'x', 'héllo wörld', '日本語テキスト', '👩‍💻 emoji 🚀', 'a\u0000b',
      'deadbeef', 'DEADBEEF01', 'abc123', 'abcde', 'ABCDEF0', 'a1B2C3D4E5F6g7', '0123456789abcdef0', 'f',
      'https://cdn.example.net/assets/app.9f2c1ab3.js', 'https://cdn.example.net/assets/app.48989504.js',
      'https://cdn.example.net/assets/app.4898950.js', 'v6-1732263011234-7513482224429',
      '275fa25f-74c2-2b52-fedd-e2414ee7d183', 'ms', 'x', 'deadbeef',
      'x'.repeat(100_000), '\u00ff'.repeat(40), 'G-D8CA006BD0',
    ];
    expect(roundTrip(list).out).toEqual(list);
    expect(roundTrip(list, false).out).toEqual(list);
  });

  it('uses the dictionary and shares templates', () => {
    const t = new StringTableWriter();
    expect(t.code(DICTIONARY[0]!)).toBe(1);
    expect(t.code('vital')).toBe(DICTIONARY.indexOf('vital') + 1);
    expect(t.code('https://a.io/app.0123abcd.js')).toBe(0);
    expect(t.code('https://a.io/app.fedc3210.js')).toBe(0);
    expect(t.code('https://a.io/app.0123abcd.js')).toBe(DICT_SIZE + 1);
    expect(t.templateCount).toBe(1);
    // 1 header byte + 4 packed bytes per string after the first.
    expect(t.out.pos).toBe(10);
  });

  it('packs hex so ids cost about half', () => {
    const ids = Array.from({ length: 20 }, (_, i) => (0x10000000 + i * 7919).toString(16) + 'deadbeefcafe0000'.slice(i % 8));
    const { bytes } = roundTrip(ids);
    expect(bytes).toBeLessThan(ids.join('').length * 0.65);
  });

  it('maps lone surrogates to U+FFFD (documented)', () => {
    expect(roundTrip(['a\ud800b']).out).toEqual(['a\ufffdb']);
  });
});
