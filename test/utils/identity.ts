import type { RawEnv } from '../../src/shared/config/load-config';

/** The first admin every identity test relay starts with. */
export const ADMIN = { username: 'admin', password: 'admin-password-for-tests' };

/**
 * Identity settings for test relays: a known first admin, no failure delay, and an IP limit
 * high enough that tests sharing 127.0.0.1 never trip it by accident.
 */
export const IDENTITY_ENV: RawEnv = {
  ADMIN_USERNAME: ADMIN.username,
  ADMIN_PASSWORD: ADMIN.password,
  LOGIN_FAILURE_DELAY_MS: '0',
  LOGIN_MAX_FAILURES_PER_IP: '10000',
};

export interface ApiResult {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  headers: Headers;
}

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  tokenType: string;
}

/** A tiny JSON client for the relay's API, acting with one credential (or none). */
export class Api {
  constructor(
    readonly baseUrl: string,
    private readonly credential: { bearer?: string; apiKey?: string } = {},
  ) {}

  withBearer(token: string): Api {
    return new Api(this.baseUrl, { bearer: token });
  }

  withApiKey(key: string): Api {
    return new Api(this.baseUrl, { apiKey: key });
  }

  anonymous(): Api {
    return new Api(this.baseUrl);
  }

  async request(method: string, path: string, body?: unknown): Promise<ApiResult> {
    const headers: Record<string, string> = {};
    if (this.credential.bearer) headers.authorization = `Bearer ${this.credential.bearer}`;
    if (this.credential.apiKey) headers['x-api-key'] = this.credential.apiKey;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return {
      status: response.status,
      body: text ? (JSON.parse(text) as unknown) : undefined,
      headers: response.headers,
    };
  }

  get(path: string): Promise<ApiResult> {
    return this.request('GET', path);
  }

  post(path: string, body?: unknown): Promise<ApiResult> {
    return this.request('POST', path, body ?? {});
  }

  patch(path: string, body: unknown): Promise<ApiResult> {
    return this.request('PATCH', path, body);
  }

  delete(path: string): Promise<ApiResult> {
    return this.request('DELETE', path);
  }
}

export async function login(baseUrl: string, username: string, password: string) {
  return new Api(baseUrl).post('/api/v1/auth/login', { username, password });
}

/** Logs in and returns a client acting as that user; fails the test if login fails. */
export async function loginAs(
  baseUrl: string,
  username: string,
  password: string,
): Promise<{ api: Api; tokens: TokenPair }> {
  const result = await login(baseUrl, username, password);
  if (result.status !== 200) {
    throw new Error(`login as ${username} failed: ${result.status} ${JSON.stringify(result.body)}`);
  }
  const tokens = result.body as TokenPair;
  return { api: new Api(baseUrl).withBearer(tokens.accessToken), tokens };
}

let userCounter = 0;

export interface TestUser {
  id: string;
  username: string;
  password: string;
  api: Api;
  tokens: TokenPair;
}

/** Creates a user through the admin API and logs in as them. */
export async function createUser(admin: Api, roles: string[], prefix = 'user'): Promise<TestUser> {
  userCounter += 1;
  const username = `${prefix}-${process.pid}-${userCounter}`;
  const password = `password-of-${username}`;
  const created = await admin.post('/api/v1/users', { username, password, roles });
  if (created.status !== 201) {
    throw new Error(`create user failed: ${created.status} ${JSON.stringify(created.body)}`);
  }
  const { api, tokens } = await loginAs(admin.baseUrl, username, password);
  return { id: created.body.id as string, username, password, api, tokens };
}

/**
 * Fails when a response body carries anything that looks like a stored credential: a field
 * named like a hash, or an argon2 or SHA-256-hex value.
 */
export function expectNoStoredSecrets(body: unknown): void {
  const problems: string[] = [];
  const visit = (value: unknown, path: string): void => {
    if (typeof value === 'string') {
      if (value.startsWith('$argon2') || /^[0-9a-f]{64}$/.test(value)) problems.push(path);
      return;
    }
    if (!value || typeof value !== 'object') return;
    for (const [key, child] of Object.entries(value)) {
      if (/hash|generation/i.test(key)) problems.push(`${path}.${key}`);
      visit(child, `${path}.${key}`);
    }
  };
  visit(body, '$');
  expect(problems).toEqual([]);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
