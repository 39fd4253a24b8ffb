import { json } from './utils/http';
import { Body, Controller, Get, Post } from '@nestjs/common';
import { IsInt, IsString, Max, MaxLength } from 'class-validator';
import { Public } from '../src/shared/auth/public.decorator';
import { startRelayWith, type RunningApp } from './utils/test-apps';

class EchoDto {
  @IsString()
  @MaxLength(20)
  name: string;

  @IsInt()
  @Max(10)
  count: number;
}

@Public()
@Controller('test')
class ProbeController {
  @Post('echo')
  echo(@Body() body: EchoDto): EchoDto {
    return body;
  }

  @Get('boom')
  boom(): never {
    throw new Error('database password is hunter2');
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('error shape and request ids', () => {
  let relay: RunningApp<unknown>;

  beforeAll(async () => {
    relay = await startRelayWith({ controllers: [ProbeController] });
  });
  afterAll(async () => {
    await relay?.close();
  });

  const post = (body: string, headers: Record<string, string> = {}) =>
    fetch(`${relay.url}/test/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });

  async function expectError(response: Response, status: number, code: string) {
    expect(response.status).toBe(status);
    const body = await json(response);
    expect(body).toMatchObject({ statusCode: status, code, message: expect.any(String) });
    expect(body.requestId).toBe(response.headers.get('x-request-id'));
    return body;
  }

  it('accepts a valid body', async () => {
    const response = await post(JSON.stringify({ name: 'a', count: 2 }));
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ name: 'a', count: 2 });
  });

  it('refuses unknown fields with VALIDATION_FAILED', async () => {
    const body = await expectError(
      await post(JSON.stringify({ name: 'a', count: 1, isAdmin: true })),
      400,
      'VALIDATION_FAILED',
    );
    expect(body.details).toEqual([{ field: 'isAdmin', problems: [expect.any(String)] }]);
  });

  it('refuses bad types with VALIDATION_FAILED naming each field', async () => {
    const body = await expectError(
      await post(JSON.stringify({ name: 5, count: 'x' })),
      400,
      'VALIDATION_FAILED',
    );
    expect(body.details.map((d: { field: string }) => d.field).sort()).toEqual(['count', 'name']);
  });

  it('refuses malformed JSON with MALFORMED_JSON', async () => {
    await expectError(await post('{"name": "a",'), 400, 'MALFORMED_JSON');
  });

  it('refuses an oversized body with PAYLOAD_TOO_LARGE', async () => {
    await expectError(
      await post(JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024) })),
      413,
      'PAYLOAD_TOO_LARGE',
    );
  });

  it('answers an unknown route with NOT_FOUND', async () => {
    await expectError(await fetch(`${relay.url}/no/such/route`), 404, 'NOT_FOUND');
  });

  it('hides unknown errors behind a generic 500', async () => {
    const body = await expectError(await fetch(`${relay.url}/test/boom`), 500, 'INTERNAL_ERROR');
    expect(JSON.stringify(body)).not.toContain('hunter2');
  });

  it('echoes a well-formed X-Request-Id', async () => {
    const response = await fetch(`${relay.url}/healthz`, {
      headers: { 'X-Request-Id': 'req-42.a:b' },
    });
    expect(response.headers.get('x-request-id')).toBe('req-42.a:b');
    const failed = await post('{', { 'X-Request-Id': 'trace-7' });
    expect((await json(failed)).requestId).toBe('trace-7');
  });

  it('replaces a missing or malformed X-Request-Id with a fresh UUID', async () => {
    const none = await fetch(`${relay.url}/healthz`);
    expect(none.headers.get('x-request-id')).toMatch(UUID);
    for (const bad of ['has space', 'x'.repeat(200), 'semi;colon']) {
      const response = await fetch(`${relay.url}/healthz`, { headers: { 'X-Request-Id': bad } });
      expect(response.headers.get('x-request-id')).toMatch(UUID);
    }
    const a = await fetch(`${relay.url}/healthz`);
    const b = await fetch(`${relay.url}/healthz`);
    expect(a.headers.get('x-request-id')).not.toBe(b.headers.get('x-request-id'));
  });
});
