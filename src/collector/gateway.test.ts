import { createServer, request } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeOtlpJson } from '../../e2e/fixtures/backends/otlp-proto';
import { encodeOtlp, encodeOtlpLogs } from '../beacon/formats/otlp';
import { splitSignals } from '../beacon/signals';
import { PagePaceError } from '../core/errors';
import type { Batch } from '../core/types';
import { VERSION } from '../core/version';
import { BINARY_CONTENT_TYPE, encodeBatchSync } from '../protocol/index';
import { OtlpExportError, batchToOtlp, createOtlpGateway } from './gateway';
import { createCollector } from './handler';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((resolve) => (s.closeAllConnections(), s.close(() => resolve())))));
});

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<number> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** An OTLP/HTTP receiver answering from `statuses` in turn (200 once they run out), keeping what it got. */
async function receiver(statuses: number[] = []) {
  const got: { path: string; type: string; body: string; auth: string | undefined }[] = [];
  const port = await listen((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => (body += d));
    req.on('end', () => {
      got.push({ path: req.url ?? '', type: req.headers['content-type'] ?? '', body, auth: req.headers.authorization });
      const status = statuses.shift() ?? 200;
      res.writeHead(status, status === 503 ? { 'Retry-After': '0' } : {}).end(status === 200 ? '{}' : 'no');
    });
  });
  return { port, got };
}

const batch: Batch = {
  v: 1, batchId: 'b-7', sessionId: 's-7', page: 'https://shop.example/cart', sentAt: 1_700_000_001_000,
  events: [
    { kind: 'vital', name: 'LCP', value: 2400.5, unit: 'ms', rating: 'good', ts: 1_700_000_000_123.4, id: 'v5-1', attrs: { navigationType: 'navigate' } },
    { kind: 'custom', name: 'cart', value: 3, ts: 1_700_000_000_300, attrs: { items: 3, vip: true } },
  ],
};

/** The batch's events other than web vitals: one request, to /v1/metrics. */
const custom: Batch = { ...batch, events: batch.events.filter((e) => e.kind !== 'vital') };

describe('batchToOtlp', () => {
  it('is the client\'s format: "otlp" mapping, its web vitals as logs and the rest as metrics, and reads back unchanged through OpenTelemetry\'s protobuf definitions', () => {
    const bodies = batchToOtlp(batch);
    const [metrics, logs] = splitSignals(batch);
    expect(bodies).toEqual([{ signal: 'metrics', body: encodeOtlp(metrics!, VERSION) }, { signal: 'logs', body: encodeOtlpLogs(logs!, VERSION) }]);
    for (const { signal, body } of bodies) expect(decodeOtlpJson(body, signal).decoded).toEqual(JSON.parse(body));
    expect(batchToOtlp({ ...batch, events: [batch.events[1]!] })).toEqual([{ signal: 'metrics', body: encodeOtlp({ ...batch, events: [batch.events[1]!] }, VERSION) }]);
  });
});

describe('createOtlpGateway', () => {
  it('takes a binary beacon through the collector into an OTLP receiver, acknowledging after the receiver did', async () => {
    const otel = await receiver();
    const collect = createCollector({ onBatch: createOtlpGateway({ endpoint: `http://127.0.0.1:${otel.port}`, headers: { authorization: 'Bearer t' } }), onError: () => {} });
    const port = await listen(collect);
    const body = encodeBatchSync(batch, { deflate: 'auto' });
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/collect', headers: { 'Content-Type': BINARY_CONTENT_TYPE } }, (res) => (res.resume(), resolve(res.statusCode ?? 0)));
      req.on('error', reject);
      req.end(body);
    });
    expect(status).toBe(204);
    expect(otel.got).toHaveLength(2);
    const byPath = Object.fromEntries(otel.got.map((g) => [g.path, g]));
    for (const { signal, body } of batchToOtlp(batch)) {
      expect(byPath[`/v1/${signal}`]).toMatchObject({ type: 'application/json', auth: 'Bearer t' });
      expect(decodeOtlpJson(byPath[`/v1/${signal}`]!.body, signal).decoded).toEqual(JSON.parse(body));
    }
  });

  it('posts each signal beside the endpoint\'s path, and after a failure of one sends only that one again', async () => {
    const otel = await receiver();
    await createOtlpGateway({ endpoint: `http://127.0.0.1:${otel.port}/otlp/v1/logs` })(batch);
    expect(otel.got.map((g) => g.path).sort()).toEqual(['/otlp/v1/logs', '/otlp/v1/metrics']);

    // The logs request is refused for good, the metrics one acknowledged: the browser will retry
    // the batch (the collector answers 500), and only the logs go again.
    const paths: string[] = [];
    let refuse = true;
    const doFetch = (async (url: string | URL | Request) => {
      const path = new URL(url instanceof Request ? url.url : String(url)).pathname;
      paths.push(path);
      return new Response('{}', { status: path === '/v1/logs' && refuse ? 400 : 200 });
    }) as typeof fetch;
    const gateway = createOtlpGateway({ endpoint: 'http://otel.test', fetch: doFetch });
    await expect(gateway(batch)).rejects.toMatchObject({ status: 400, retryable: false });
    refuse = false;
    await gateway(batch);
    expect(paths.sort()).toEqual(['/v1/logs', '/v1/logs', '/v1/metrics']);
    await gateway(batch); // both acknowledged: a repeat sends nothing
    expect(paths).toHaveLength(3);
  });

  it('retries 503 and network failures, then gives up with a retryable OtlpExportError', async () => {
    const otel = await receiver([503, 502]);
    await createOtlpGateway({ endpoint: `http://127.0.0.1:${otel.port}/v1/metrics`, backoffMs: 1 })(custom);
    expect(otel.got.map((g) => g.path)).toEqual(['/v1/metrics', '/v1/metrics', '/v1/metrics']);

    const down = await receiver([503, 503, 503]);
    const error = await createOtlpGateway({ endpoint: `http://127.0.0.1:${down.port}`, retries: 2, backoffMs: 1 })(custom).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OtlpExportError);
    expect(error).toMatchObject({ status: 503, retryable: true });
    expect(down.got).toHaveLength(3);

    let calls = 0;
    const refused = (async () => {
      calls++;
      throw new TypeError('fetch failed');
    }) as typeof fetch;
    await expect(createOtlpGateway({ endpoint: 'http://127.0.0.1:9', fetch: refused, retries: 1, backoffMs: 1 })(custom)).rejects.toMatchObject({ retryable: true, status: undefined });
    expect(calls).toBe(2);
  });

  it('does not retry a 400, and the collector answers 500 so the browser keeps the batch', async () => {
    const otel = await receiver([400]);
    const error = await createOtlpGateway({ endpoint: `http://127.0.0.1:${otel.port}` })(custom).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 400, retryable: false });
    expect(otel.got).toHaveLength(1);
  });

  it('refuses bad options with a PagePaceError naming them', () => {
    expect(() => createOtlpGateway({ endpoint: 'otel:4318' })).toThrow(/endpoint must be an http: or https: URL/);
    expect(() => createOtlpGateway({ endpoint: 'not a url' })).toThrow(/endpoint must be an absolute http\(s\) URL/);
    expect(() => createOtlpGateway({ endpoint: 'http://x', retries: -1 })).toThrow(/retries must be an integer from 0 to 10/);
    expect(() => createOtlpGateway({ endpoint: 'http://x', header: {} } as never)).toThrow(PagePaceError);
  });
});
