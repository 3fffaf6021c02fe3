// JSON-RPC over HTTP to qtmd: single calls and batches, a timeout per request, and
// `withRetry`, which retries what failed in transport (unreachable node, HTTP errors, an
// answer that is not JSON-RPC) with exponential backoff, logging each failure, and never
// throws those (only a stop request or a node's own JSON-RPC error ends it).
import { log } from './log.js';

export class RpcError extends Error {
  constructor(readonly method: string, readonly code: number, message: string, readonly data?: unknown) {
    super(`${method}: ${message} (${code})`);
  }
}

// The node could not be reached, or answered something that is not a JSON-RPC answer.
export class TransportError extends Error {
  constructor(message: string, readonly garbage = false) {
    super(message);
  }
}

export interface Call {
  method: string;
  params: unknown[];
}

export interface RpcOptions {
  timeoutMs?: number;
}

export class RpcClient {
  private nextId = 1;
  readonly timeoutMs: number;
  constructor(readonly url: string, options: RpcOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  private async post(body: unknown): Promise<unknown> {
    let response: Response;
    try {
      response = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const why = (error as Error).name === 'TimeoutError'
        ? `no answer within ${this.timeoutMs} ms`
        : (cause?.code ?? cause?.message ?? (error as Error).message);
      throw new TransportError(`node unreachable at ${this.url}: ${why}`);
    }
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      throw new TransportError(`node at ${this.url}: reading the answer failed: ${(error as Error).message}`);
    }
    if (response.status !== 200) {
      // A JSON-RPC error with a non-200 status (413, 429) is still reported as the node's.
      try {
        const parsed = JSON.parse(text);
        if (parsed && typeof parsed === 'object' && 'error' in parsed) return parsed;
      } catch { /* fall through */ }
      throw new TransportError(`node at ${this.url} answered HTTP ${response.status}: ${text.slice(0, 200)}`, true);
    }
    try {
      return JSON.parse(text);
    } catch {
      throw new TransportError(`node at ${this.url} answered garbage (not JSON): ${JSON.stringify(text.slice(0, 120))}`, true);
    }
  }

  private unwrap(method: string, answer: unknown): unknown {
    if (!answer || typeof answer !== 'object' || Array.isArray(answer)) {
      throw new TransportError(`node at ${this.url} answered garbage to ${method}: not a JSON-RPC object`, true);
    }
    const obj = answer as { result?: unknown; error?: { code?: unknown; message?: unknown; data?: unknown } };
    if (obj.error) {
      const code = typeof obj.error.code === 'number' ? obj.error.code : -32603;
      throw new RpcError(method, code, String(obj.error.message ?? 'error'), obj.error.data);
    }
    if (!('result' in obj)) {
      throw new TransportError(`node at ${this.url} answered garbage to ${method}: neither result nor error`, true);
    }
    return obj.result;
  }

  async call<T = unknown>(method: string, params: unknown[] = []): Promise<T> {
    const answer = await this.post({ jsonrpc: '2.0', id: this.nextId++, method, params });
    return this.unwrap(method, answer) as T;
  }

  // One batch; each entry is the result or the RpcError of that call (in order).
  async batch(calls: Call[]): Promise<Array<unknown | RpcError>> {
    if (calls.length === 0) return [];
    const first = this.nextId;
    this.nextId += calls.length;
    const answer = await this.post(calls.map((c, i) => ({ jsonrpc: '2.0', id: first + i, method: c.method, params: c.params })));
    if (!Array.isArray(answer)) {
      // A whole-batch error (-32005 limit exceeded) arrives as one error object.
      if (answer && typeof answer === 'object' && 'error' in answer) {
        const e = (answer as { error: { code?: number; message?: string } }).error;
        throw new RpcError('batch', e.code ?? -32603, String(e.message ?? 'error'));
      }
      throw new TransportError(`node at ${this.url} answered garbage to a batch of ${calls.length}: not an array`, true);
    }
    const byId = new Map<number, unknown>();
    for (const item of answer) {
      if (item && typeof item === 'object' && typeof (item as { id?: unknown }).id === 'number') {
        byId.set((item as { id: number }).id, item);
      }
    }
    return calls.map((c, i) => {
      const item = byId.get(first + i);
      if (item === undefined) throw new TransportError(`node at ${this.url} left call ${c.method} out of a batch`, true);
      try {
        return this.unwrap(c.method, item);
      } catch (error) {
        if (error instanceof RpcError) return error;
        throw error;
      }
    });
  }
}

export interface RetryOptions {
  what: string;
  stopped?: () => boolean;
  initialDelayMs?: number;
  maxDelayMs?: number;
}

export class Stopped extends Error {
  constructor() {
    super('stopped');
  }
}

const sleep = (ms: number, stopped?: () => boolean) =>
  new Promise<void>((resolve) => {
    const started = Date.now();
    const tick = () => {
      if ((stopped && stopped()) || Date.now() - started >= ms) resolve();
      else setTimeout(tick, Math.min(100, ms));
    };
    tick();
  });

// Runs `fn` until it succeeds; transport failures, garbage (TransportError or a
// GarbageError thrown by the caller's validation) and node errors marked transient are
// logged and retried with exponential backoff (0.5 s doubling to 30 s). RpcErrors that are
// not transient are rethrown: they are answers.
export async function withRetry<T>(fn: () => Promise<T>, options: RetryOptions): Promise<T> {
  let delay = options.initialDelayMs ?? 500;
  const maxDelay = options.maxDelayMs ?? 30_000;
  let failures = 0;
  for (;;) {
    if (options.stopped?.()) throw new Stopped();
    try {
      const result = await fn();
      if (failures > 0) log(`${options.what}: the node answers again after ${failures} failed attempt(s)`);
      return result;
    } catch (error) {
      const transient = error instanceof TransportError || error instanceof GarbageError ||
        (error instanceof RpcError && (error.code === -32005 && /rate/i.test(error.message)));
      if (!transient) throw error;
      failures++;
      log(`${options.what}: ${(error as Error).message}; retry ${failures} in ${(delay / 1000).toFixed(1)} s`);
      await sleep(delay, options.stopped);
      delay = Math.min(maxDelay, delay * 2);
    }
  }
}

// An answer that parsed as JSON-RPC but is not what the method returns (a block without a
// hash, a receipt list of the wrong length): treated like garbage, retried.
export class GarbageError extends Error {}
