/** The few relay admin calls the demo makes, over the public REST API. */
export class RelayAdminClient {
  private token = '';

  constructor(private readonly baseUrl: string) {}

  async login(username: string, password: string): Promise<string> {
    const { accessToken } = await this.call<{ accessToken: string }>('POST', '/api/v1/auth/login', {
      username,
      password,
    });
    this.token = accessToken;
    return accessToken;
  }

  as(token: string): RelayAdminClient {
    const client = new RelayAdminClient(this.baseUrl);
    client.token = token;
    return client;
  }

  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** Returns the HTTP status of a call instead of throwing (for existence checks). */
  async status(method: string, path: string): Promise<number> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.token}` },
    });
    await response.arrayBuffer();
    return response.status;
  }
}
