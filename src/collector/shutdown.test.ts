import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createCollector } from './handler';
import { shutdown } from './shutdown';

const body = JSON.stringify({ v: 1, batchId: 'b', sessionId: 's', page: 'https://a.example/', sentAt: 1, events: [] });

function post(port: number): Promise<number> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/', headers: { 'Content-Type': 'application/json' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    req.end(body);
  });
}

async function setup(onBatch: () => Promise<void>) {
  const collect = createCollector({ onBatch, onError: () => {} });
  const server = createServer(collect);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { collect, server, port: (server.address() as AddressInfo).port };
}

describe('shutdown', () => {
  it('lets the request in flight finish and be answered, then closes the server', async () => {
    let finish!: () => void;
    const { collect, server, port } = await setup(() => new Promise<void>((r) => (finish = r)));
    const reply = post(port);
    await new Promise((r) => setTimeout(r, 50));
    const stopping = shutdown(server, collect);
    await new Promise((r) => setTimeout(r, 50));
    expect(server.listening).toBe(false); // no new connections
    finish();
    expect(await reply).toBe(204);
    expect(await stopping).toEqual({ drained: true });
  });

  it('cuts what is still running after timeoutMs, and checks its option', async () => {
    const { collect, server, port } = await setup(() => new Promise<void>(() => {}));
    const reply = post(port);
    await new Promise((r) => setTimeout(r, 50));
    expect(await shutdown(server, collect, { timeoutMs: 100 })).toEqual({ drained: false });
    expect(await reply).toBe(0); // connection cut: the browser retries
    await expect(shutdown(server, collect, { timeoutMs: 0 })).rejects.toThrow(/shutdown timeoutMs must be a positive number/);
  });
});
