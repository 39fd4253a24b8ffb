import type { RunningApp } from './test-apps';

/** The admin token test agents run with (AGENT_ADMIN_TOKEN). */
export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';

export interface AdminResponse {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

/** A client for an agent's admin API that sends the admin token. */
export function adminClient(app: RunningApp<unknown>, token: string | null = ADMIN_TOKEN) {
  const send = async (method: string, path: string, body?: unknown): Promise<AdminResponse> => {
    const headers: Record<string, string> = {};
    if (token !== null) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${app.url}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      body: text ? JSON.parse(text) : null,
    };
  };
  return {
    get: (path: string) => send('GET', path),
    post: (path: string, body?: unknown) => send('POST', path, body),
    patch: (path: string, body: unknown) => send('PATCH', path, body),
    put: (path: string, body: unknown) => send('PUT', path, body),
    delete: (path: string) => send('DELETE', path),
  };
}
