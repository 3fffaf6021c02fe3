// The HTTP server: /api/* answered by api.ts as JSON (errors as { error: { code, message } }),
// everything else the explorer's static files with index.html for client-side routes.
// Requests are rate-limited per client address; a database that is down answers 503.
import { createReadStream, existsSync, statSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import * as api from './api.js';
import { ApiError, type ApiContext } from './api.js';
import type { Faucet } from './faucet.js';
import { log } from './log.js';

export interface ServerOptions {
  host: string;
  port: number;
  staticDir: string | null;
  // Requests per second per client address (burst: 5 s worth); 0 turns the limit off.
  rateLimit: number;
  faucet: Faucet | null;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.map': 'application/json',
};

// Token buckets per client address, pruned as they refill.
class RateLimiter {
  private buckets = new Map<string, { tokens: number; at: number }>();
  constructor(private readonly perSecond: number) {}

  allow(key: string, now = Date.now()): boolean {
    if (this.perSecond <= 0) return true;
    const burst = this.perSecond * 5;
    const b = this.buckets.get(key) ?? { tokens: burst, at: now };
    b.tokens = Math.min(burst, b.tokens + ((now - b.at) / 1000) * this.perSecond);
    b.at = now;
    if (this.buckets.size > 100_000) this.buckets.clear();
    this.buckets.set(key, b);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }
}

function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...headers,
  });
  res.end(text);
}

function sendError(res: http.ServerResponse, error: unknown): void {
  if (error instanceof ApiError) {
    const headers: Record<string, string> = {};
    if (typeof error.extra.retryAfter === 'number') headers['retry-after'] = String(Math.ceil(error.extra.retryAfter));
    send(res, error.status, { error: { code: error.code, message: error.message, ...error.extra } }, headers);
    return;
  }
  const e = error as { code?: string; message?: string };
  // pg's connection errors (ECONNREFUSED, 57P01 admin shutdown, 08xxx) mean the database is away.
  const databaseDown = typeof e.code === 'string' && (/^(08|57)/.test(e.code) || e.code.startsWith('ECONN'));
  log(`API: ${e.message ?? String(error)}`);
  if (databaseDown || /timeout|terminat|connect/i.test(e.message ?? '')) {
    send(res, 503, { error: { code: 'database_unavailable', message: 'the explorer database is not available; try again shortly' } });
  } else {
    send(res, 500, { error: { code: 'internal', message: 'internal error (logged by the indexer)' } });
  }
}

async function readJson(req: http.IncomingMessage, limit = 16 * 1024): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new ApiError(413, 'body_too_large', `request body over ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new ApiError(400, 'invalid_json', 'the request body is not JSON');
  }
}

async function route(ctx: ApiContext, options: ServerOptions, req: http.IncomingMessage, url: URL, client: string): Promise<unknown> {
  const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent).slice(1);
  const q = url.searchParams;
  const [first, id, sub] = parts;
  if (req.method === 'POST' && first === 'faucet' && parts.length === 1) {
    if (!options.faucet) throw new ApiError(403, 'faucet_disabled', 'this explorer has no faucet configured');
    const body = (await readJson(req)) as { address?: unknown };
    if (!body || typeof body !== 'object' || typeof body.address !== 'string') {
      throw new ApiError(400, 'invalid_address', 'send { "address": "0x..." }');
    }
    return options.faucet.request(body.address, client);
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') throw new ApiError(405, 'method_not_allowed', `${req.method} is not served here`);
  switch (first) {
    case 'status': if (parts.length === 1) return api.status(ctx); break;
    case 'blocks':
      if (parts.length === 1) return api.blocks(ctx, q);
      if (parts.length === 2) return api.block(ctx, id);
      break;
    case 'txs':
      if (parts.length === 1) return api.transactions(ctx, q);
      if (parts.length === 2) return api.transaction(ctx, id);
      break;
    case 'address':
      if (parts.length === 2) return api.addressInfo(ctx, id);
      if (parts.length === 3 && sub === 'txs') return api.addressTransactions(ctx, id, q);
      if (parts.length === 3 && sub === 'transfers') return api.addressTransfers(ctx, id, q);
      break;
    case 'tokens':
      if (parts.length === 2) return api.token(ctx, id);
      if (parts.length === 3 && sub === 'transfers') return api.tokenTransfers(ctx, id, q);
      break;
    case 'validators': if (parts.length === 1) return api.validators(ctx); break;
    case 'search': if (parts.length === 1) return api.search(ctx, q); break;
    case 'faucet':
      if (parts.length === 1) return options.faucet ? options.faucet.info() : { enabled: false, reason: 'no faucet configured' };
      break;
    default:
  }
  throw new ApiError(404, 'no_such_endpoint', `${url.pathname} is not an API endpoint (docs/explorer-api.md lists them)`);
}

function serveStatic(staticDir: string | null, url: URL, res: http.ServerResponse): void {
  if (!staticDir || !existsSync(path.join(staticDir, 'index.html'))) {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('The explorer pages are not built (cd web/explorer && npm run build); the API is at /api.\n');
    return;
  }
  let file = path.normalize(path.join(staticDir, decodeURIComponent(url.pathname)));
  if (!file.startsWith(staticDir + path.sep) && file !== staticDir) file = path.join(staticDir, 'index.html');
  if (!existsSync(file) || !statSync(file).isFile()) file = path.join(staticDir, 'index.html');
  const type = CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream';
  res.writeHead(200, {
    'content-type': type,
    'x-content-type-options': 'nosniff',
    'content-security-policy': "default-src 'self'; img-src 'self' data:; style-src 'self'",
  });
  createReadStream(file).pipe(res);
}

export function startServer(ctx: ApiContext, options: ServerOptions): Promise<http.Server> {
  const limiter = new RateLimiter(options.rateLimit);
  const staticDir = options.staticDir ? path.resolve(options.staticDir) : null;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://explorer');
    const client = req.socket.remoteAddress ?? 'unknown';
    if (!url.pathname.startsWith('/api/') && url.pathname !== '/api') {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405).end();
        return;
      }
      serveStatic(staticDir, url, res);
      return;
    }
    if (!limiter.allow(client)) {
      send(res, 429, { error: { code: 'rate_limited', message: `over ${options.rateLimit} requests per second from your address`, retryAfter: 1 } },
        { 'retry-after': '1' });
      return;
    }
    route(ctx, options, req, url, client).then((body) => send(res, 200, body), (error) => sendError(res, error));
  });
  server.keepAliveTimeout = 30_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
