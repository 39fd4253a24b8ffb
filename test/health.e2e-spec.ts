import { json } from './utils/http';
import { DataSource } from 'typeorm';
import { startAgent, startRelay, type RunningApp } from './utils/test-apps';

describe.each([
  ['relay', startRelay],
  ['agent', startAgent],
])('%s health', (profile, start) => {
  let running: RunningApp<unknown>;

  beforeAll(async () => {
    running = await start();
  });
  afterAll(async () => {
    await running?.close();
  });

  it('GET /healthz answers 200 while the process is up', async () => {
    const response = await fetch(`${running.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('GET /readyz reports the database as answering', async () => {
    const response = await fetch(`${running.url}/readyz`);
    const body = await json(response);
    if (profile === 'relay') {
      expect(response.status).toBe(200);
      expect(body).toMatchObject({ status: 'ready', checks: { database: { ok: true } } });
    } else {
      // This agent has no relay configured: see the next test.
      expect(body.details).toMatchObject({ database: { ok: true } });
    }
  });

  if (profile === 'agent') {
    it('GET /readyz answers 503 NOT_READY while no relay is configured, saying what to set', async () => {
      const response = await fetch(`${running.url}/readyz`);
      expect(response.status).toBe(503);
      expect(await json(response)).toMatchObject({
        code: 'NOT_READY',
        message: 'Not ready: tunnel',
        details: {
          database: { ok: true },
          tunnel: { ok: false, reason: expect.stringMatching(/not-configured.*RELAY_URL/) },
        },
      });
    });
  }

  it('serves the OpenAPI document and Swagger UI without authentication', async () => {
    const doc = await fetch(`${running.url}/docs-json`);
    expect(doc.status).toBe(200);
    expect(await doc.json()).toMatchObject({ openapi: expect.stringMatching(/^3\./) });
    const ui = await fetch(`${running.url}/docs`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('swagger-ui');
  });

  it('shows each error response with its own status and code in the example', async () => {
    type Responses = Record<string, { content?: Record<string, { example?: Json }> }>;
    type Json = Record<string, unknown>;
    const doc = (await (await fetch(`${running.url}/docs-json`)).json()) as {
      paths: Record<string, Record<string, { responses?: Responses }>>;
    };
    const examples = Object.values(doc.paths)
      .flatMap((methods) => Object.values(methods))
      .flatMap((operation) => Object.entries(operation.responses ?? {}))
      .filter(([status]) => Number(status) >= 400)
      .map(([status, response]) => [status, response.content?.['application/json']?.example])
      .filter(([, example]) => example !== undefined);
    expect(examples.length).toBeGreaterThan(0);
    for (const [status, example] of examples) {
      expect(example).toMatchObject({ statusCode: Number(status) });
    }
    const hasExample = (status: string, code: string) =>
      examples.some(([s, example]) => s === status && (example as Json).code === code);
    expect(hasExample('503', 'DATABASE_UNAVAILABLE')).toBe(true);
  });

  it('GET /readyz answers 503 with a JSON reason once the database is gone', async () => {
    await running.app.get(DataSource).destroy();
    const response = await fetch(`${running.url}/readyz`);
    expect(response.status).toBe(503);
    const body = await json(response);
    expect(body).toMatchObject({
      statusCode: 503,
      code: 'NOT_READY',
      message: expect.stringContaining('database'),
      details: {
        database: { ok: false, code: 'DATABASE_UNAVAILABLE', reason: expect.any(String) },
      },
    });
    expect(body.requestId).toBe(response.headers.get('x-request-id'));
  });
});
