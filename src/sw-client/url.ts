import type { SwWorkerConfig } from './types';

const abs = (u: string) => new URL(u, location.href).href;

/**
 * The worker's script URL with its configuration in the `config` query parameter (JSON). The worker
 * reads it at start, so routes and the precache list are known at install; a different configuration
 * is a different script URL, which the browser installs as a new version.
 */
export function swScriptUrl(url: string, config?: SwWorkerConfig): string {
  const u = new URL(url, location.href);
  if (!config || !Object.keys(config).length) return u.href;
  const out: Record<string, unknown> = { ...config };
  if (config.routes) {
    out.routes = config.routes.map(({ pattern, ...r }) => ({
      ...r,
      ...(pattern instanceof RegExp ? { pattern: pattern.source, ...(pattern.flags ? { flags: pattern.flags } : {}) } : pattern === undefined ? {} : { pattern }),
    }));
  }
  // Relative URLs mean relative to the page, as everywhere else in the page's API.
  if (config.precache) out.precache = config.precache.map((p) => (typeof p === 'string' ? { url: abs(p), revision: '' } : { url: abs(p.url), revision: p.revision }));
  if (config.offlineUrl) out.offlineUrl = abs(config.offlineUrl);
  if (config.clearOn) out.clearOn = config.clearOn.map((p) => (p instanceof RegExp ? p.source : p));
  u.searchParams.set('config', JSON.stringify(out));
  return u.href;
}
