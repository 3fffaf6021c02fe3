// Talking to qtm-indexer's API on the same origin. Every failure (HTTP error with the API's
// { error: { code, message } } body, a body that is not JSON, the network) becomes an ApiError
// that the pages show as text.

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfter: number | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  // One line for people: "HTTP 404 not_found: block 9 is not indexed".
  describe(): string {
    const where = this.status > 0 ? `HTTP ${this.status} ` : '';
    return `${where}${this.code}: ${this.message}`;
  }
}

interface ErrorBody {
  error?: { code?: unknown; message?: unknown; retryAfter?: unknown };
}

async function request<T>(path: string, init: RequestInit = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, { ...init, headers: { accept: 'application/json', ...(init.headers ?? {}) } });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, 'network_error', `the explorer API could not be reached (${String((error as Error).message ?? error)})`);
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = text === '' ? null : JSON.parse(text);
  } catch {
    throw new ApiError(response.status, response.ok ? 'bad_response' : 'http_error',
      `the server answered ${response.ok ? '' : `HTTP ${response.status} `}with something that is not the explorer API's JSON ` +
      `(is qtm-indexer serving this page?)`);
  }
  if (!response.ok) {
    const err = (body as ErrorBody | null)?.error;
    const code = typeof err?.code === 'string' ? err.code : 'http_error';
    const message = typeof err?.message === 'string' ? err.message : `${response.status} ${response.statusText}`;
    let retryAfter: number | null = typeof err?.retryAfter === 'number' ? err.retryAfter : null;
    if (retryAfter === null) {
      const header = Number(response.headers.get('retry-after'));
      if (Number.isFinite(header) && header > 0) retryAfter = header;
    }
    throw new ApiError(response.status, code, message, retryAfter);
  }
  return body as T;
}

export function get<T>(path: string, signal?: AbortSignal): Promise<T> {
  return request<T>(path, signal ? { signal } : {});
}

export function post<T>(path: string, payload: unknown, signal?: AbortSignal): Promise<T> {
  return request<T>(path, {
    method: 'POST',
    body: JSON.stringify(payload),
    headers: { 'content-type': 'application/json' },
    ...(signal ? { signal } : {}),
  });
}

// "/api/address/0x.../txs" + { limit, cursor } → the path with a query string.
export function withQuery(path: string, query: Record<string, string | number | null | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== null && value !== undefined) params.set(key, String(value));
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  return new ApiError(0, 'client_error', error instanceof Error ? error.message : String(error));
}
