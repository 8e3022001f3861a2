import { KEPT_HEADERS, variesPerRequest } from './policy';

/** What is stored beside a body to rebuild its response and to run expiry and eviction. */
export interface Meta {
  /** Schema version: an entry of another version is a miss. */
  v: 1;
  url: string;
  status: number;
  statusText: string;
  headers: Array<[string, string]>;
  /** When the body was fetched or last confirmed by a 304 (epoch ms). */
  storedAt: number;
  /** Last served (epoch ms), for LRU. */
  lastAccess: number;
  /** Bytes counted against budgets: body plus a rough header cost. */
  size: number;
  /** Body length, checked on read: a mismatch means a corrupt entry. */
  bodyBytes: number;
  etag?: string;
  lastModified?: string;
  /** Precached entries are pinned: LRU eviction skips them. */
  pinned?: boolean;
}

/** A stored response. */
export interface Entry {
  meta: Meta;
  body: ArrayBuffer;
}

/** Reads a response's body and the headers that matter into an entry. The response is consumed. */
export async function toEntry(res: Response, url: string, now: number, pinned = false): Promise<Entry> {
  const body = await res.arrayBuffer();
  const headers: Array<[string, string]> = [];
  let headerBytes = 0;
  for (const name of KEPT_HEADERS) {
    const value = res.headers.get(name);
    if (value !== null) {
      headers.push([name, value]);
      headerBytes += name.length + value.length;
    }
  }
  const meta: Meta = {
    v: 1, url, status: res.status, statusText: res.statusText, headers,
    storedAt: now, lastAccess: now, size: body.byteLength + headerBytes + 128, bodyBytes: body.byteLength,
  };
  const etag = res.headers.get('etag');
  const lastModified = res.headers.get('last-modified');
  if (etag) meta.etag = etag;
  if (lastModified) meta.lastModified = lastModified;
  if (pinned) meta.pinned = true;
  return { meta, body };
}

/** A fresh response from a stored entry (the Response constructor copies the bytes, so the entry stays usable). */
export function toResponse(e: Entry): Response {
  const headers = new Headers(e.meta.headers);
  headers.set('content-length', String(e.body.byteLength));
  return new Response(e.body.byteLength ? e.body : null, { status: e.meta.status, statusText: e.meta.statusText, headers });
}

/**
 * Whether a value read back from storage is a well-formed entry of this schema that may be served
 * to anyone: one stored with a per-request `Vary` (by an older worker, say) is dropped like a corrupt one.
 */
export function isEntry(meta: unknown, body: unknown): boolean {
  if (typeof meta !== 'object' || meta === null) return false;
  const m = meta as Partial<Meta>;
  return m.v === 1 && typeof m.url === 'string' && typeof m.status === 'number' && m.status >= 200 && m.status <= 599
    && Array.isArray(m.headers) && m.headers.every((h) => Array.isArray(h) && h.length === 2 && typeof h[0] === 'string' && typeof h[1] === 'string')
    && typeof m.storedAt === 'number' && typeof m.lastAccess === 'number' && typeof m.size === 'number'
    && body instanceof ArrayBuffer && body.byteLength === m.bodyBytes
    && !variesPerRequest(m.headers.find((h) => h[0] === 'vary')?.[1] ?? null);
}
