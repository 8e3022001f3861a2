import type { IncomingMessage, ServerResponse } from 'node:http';

type Handler = (req: IncomingMessage, res: ServerResponse) => unknown;

/**
 * Wraps a Node request handler so each response starts `ms` later (a number, or per request).
 * Use it where CDP throttling cannot reach, e.g. requests a service worker makes itself.
 * @example createServer(withDelay(serveStatic, (req) => (req.url?.startsWith('/assets/') ? 150 : 0)))
 */
export function withDelay(handler: Handler, ms: number | ((req: IncomingMessage) => number)): Handler {
  return (req, res) => {
    const wait = typeof ms === 'function' ? ms(req) : ms;
    if (!(wait > 0)) return handler(req, res);
    const timer = setTimeout(() => handler(req, res), wait);
    req.once('close', () => res.writableEnded || clearTimeout(timer));
    return undefined;
  };
}
