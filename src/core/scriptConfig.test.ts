import { describe, expect, it } from 'vitest';
import { resolveConfig } from './config';
import { configFromScript, scriptError } from './scriptConfig';

/** A `<script>` with these `data-*` attributes (camelCase, as `dataset` names them). */
const script = (data: Record<string, string>) => {
  const attrs = new Map(Object.entries(data).map(([k, v]) => [`data-${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`, v]));
  return { getAttribute: (name: string) => attrs.get(name) ?? null } as unknown as HTMLScriptElement;
};

describe('script-tag attributes', () => {
  it('map onto the config', () => {
    expect(configFromScript(script({ endpoint: '/c', format: 'json', sw: '/sw.js', sampleRate: '0.25', lazy: 'false', prefetch: 'true', debug: '' }))).toEqual({
      endpoint: '/c', format: 'json', serviceWorker: { url: '/sw.js' }, sampleRate: 0.25, lazy: false, prefetch: true, debug: true,
    });
  });

  it('go through the same validation, and the error names the attribute', () => {
    for (const [data, attr] of [
      [{ sampleRate: 'half' }, 'data-sample-rate (sampleRate) must be a number from 0 to 1; received "half"'],
      [{ sampleRate: '2' }, 'data-sample-rate (sampleRate) must be a number from 0 to 1; received 2'],
      [{ lazy: 'nope' }, 'data-lazy (lazy) must be true, false or an object'],
      [{ format: 'xml' }, 'data-format (format) must be'],
      [{ endpoint: '' }, 'data-endpoint (endpoint) must be a non-empty URL string'],
    ] as const) {
      let msg = '';
      try {
        resolveConfig(configFromScript(script(data)));
      } catch (e) {
        msg = (scriptError(e) as Error).message;
      }
      expect(msg).toContain(attr);
    }
  });
});
