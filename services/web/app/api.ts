//! The HTTP API (same origin, /api/v1) with the signed-in bearer token, and the shapes the app reads.
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(describe(status, body));
  }
}

function describe(status: number, body: unknown): string {
  if (typeof body === 'object' && body !== null) {
    const b = body as { message?: unknown; error?: unknown; errors?: unknown; errorCount?: unknown };
    if (typeof b.message === 'string') return b.message;
    // errorCount counts every bad line; the list may stop short of them.
    if (typeof b.errorCount === 'number') return `${String(b.errorCount)} errors`;
    if (Array.isArray(b.errors)) return `${String(b.errors.length)} errors`;
    if (typeof b.error === 'string') return b.error;
  }
  return `HTTP ${String(status)}`;
}

export class Api {
  constructor(readonly token: string) {}

  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set('Authorization', `Bearer ${this.token}`);
    const response = await fetch(path, { ...init, headers });
    if (!response.ok) {
      const text = await response.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // not JSON: keep the text
      }
      throw new ApiError(response.status, body);
    }
    return response;
  }

  async json<T>(path: string): Promise<T> {
    return (await (await this.request(path)).json()) as T;
  }

  async text(path: string, accept?: string): Promise<string> {
    const init: RequestInit = accept === undefined ? {} : { headers: { Accept: accept } };
    return (await this.request(path, init)).text();
  }

  async post<T>(path: string, events: object[]): Promise<T> {
    const body = events.map((e) => JSON.stringify(e)).join('\n') + '\n';
    const response = await this.request(path, {
      method: 'POST',
      body,
      headers: { 'Content-Type': 'application/x-ndjson' },
    });
    // 202 (engines mode, `not-yet-processed`): received, outcome not known yet. Not the answer asked for, so the
    // caller hears of it as an error it can tell apart (status 202), not as counts it would misread.
    if (response.status === 202) throw new ApiError(202, await response.json());
    return (await response.json()) as T;
  }
}

export type * from './api-shapes';

/** A new event id: unique, and within the contract's 64 characters of [A-Za-z0-9._:-]. */
export function newEventId(prefix: string): string {
  return `${prefix}-${crypto.randomUUID()}`;
}

export function nowTimestamp(): string {
  return new Date().toISOString();
}

/** Offers text as a file download. */
export function download(name: string, content: BlobPart, type: string): void {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => {
    URL.revokeObjectURL(url);
  }, 10_000);
}
