import { startBridge, type TestBridge } from '../utils/bridge';
import { Api, createUser, sleep } from '../utils/identity';
import { eventually, openSse, relaySql, type Json } from '../utils/operations';
import { TestUpstream } from '../utils/test-upstream';

/** What the operations guide promises: revoked access ends open work within this. */
const BOUND_MS = 5_000;
const MiB = 1024 * 1024;

/** An endless download through the relay, read as fast as it comes. */
interface Download {
  readonly bytes: number;
  /** 'cut' when the answer broke off (the relay cut it), 'ended' on a clean end. */
  outcome: Promise<'cut' | 'ended'>;
  abort(): void;
}

async function startDownload(url: string, headers: Record<string, string>): Promise<Download> {
  const controller = new AbortController();
  const response = await fetch(url, { headers, signal: controller.signal });
  expect(response.status).toBe(200);
  const state = { bytes: 0 };
  const outcome = (async (): Promise<'cut' | 'ended'> => {
    const reader = response.body!.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return 'ended';
        state.bytes += value.length;
      }
    } catch {
      return 'cut';
    }
  })();
  const download = {
    get bytes() {
      return state.bytes;
    },
    outcome,
    abort: () => controller.abort(),
  };
  await eventually(async () => download.bytes > MiB);
  return download;
}

/** Revokes, then waits for the download to break off; returns how long and how much more. */
async function cutBy(
  download: Download,
  revoke: () => Promise<unknown>,
): Promise<{ ms: number; bytesAfter: number }> {
  const bytesBefore = download.bytes;
  const startedAt = Date.now();
  await revoke();
  const outcome = await Promise.race([download.outcome, sleep(BOUND_MS + 2_000)]);
  const ms = Date.now() - startedAt;
  expect(outcome).toBe('cut');
  expect(ms).toBeLessThan(BOUND_MS);
  return { ms, bytesAfter: download.bytes - bytesBefore };
}

/** The download is still flowing: another MiB arrives. */
async function stillStreaming(download: Download): Promise<void> {
  const from = download.bytes;
  await eventually(async () => download.bytes > from + MiB, BOUND_MS);
}

describe('a revoked principal loses what it holds open', () => {
  let bridge: TestBridge;
  let admin: Api;
  /** The bridge's own API key streams all along: nobody else's revocation may touch it. */
  let bystander: Download;

  /** A second intranet service, behind the agent's `svc2` datasource. */
  let other: TestUpstream;

  beforeAll(async () => {
    other = await new TestUpstream().start();
    bridge = await startBridge({
      datasources: [
        {
          name: 'svc2',
          type: 'http',
          http: { baseUrl: other.url, allowedMethods: ['GET'], timeoutMs: 60_000 },
        },
      ],
    });
    admin = new Api(bridge.relay.url).withBearer(bridge.adminToken);
    bystander = await startDownload(bridge.proxyUrl('/api/endless'), {
      'x-api-key': bridge.apiKey,
    });
  });
  afterAll(async () => {
    bystander?.abort();
    await bridge?.close();
    await other?.stop();
  });

  async function grant(subject: { userId?: string; apiKeyId?: string }, datasource = '*') {
    const result = await admin.post('/api/v1/grants', {
      ...subject,
      agentId: bridge.agentId,
      datasource,
      operations: ['GET'],
    });
    expect(result.status).toBe(201);
    return result.body.id as string;
  }

  async function newApiKey(expiresAt?: string): Promise<{ id: string; key: string }> {
    const result = await admin.post('/api/v1/api-keys', {
      name: `revocation-${Date.now()}`,
      ...(expiresAt && { expiresAt }),
    });
    expect(result.status).toBe(201);
    return { id: result.body.id as string, key: result.body.key as string };
  }

  async function revocationAudit(targetId: string): Promise<Json[]> {
    return relaySql(
      bridge.relay,
      `select actor_type, actor_name, target_type, outcome, details from audit_events
        where action = 'access.revoked' and target_id = $1 order by seq`,
      [targetId],
    );
  }

  it('disabling a user cuts their endless download, stops the agent, audits it', async () => {
    const user = await createUser(admin, ['client'], 'streamer');
    await grant({ userId: user.id }, 'svc');
    const abortedBefore = bridge.upstream.aborted;
    const download = await startDownload(bridge.proxyUrl('/api/endless'), {
      authorization: `Bearer ${user.tokens.accessToken}`,
    });

    const { bytesAfter } = await cutBy(download, () =>
      admin.post(`/api/v1/users/${user.id}/disable`),
    );
    // The relay stops within its flow-control window, not gigabytes later.
    expect(bytesAfter).toBeLessThan(64 * MiB);
    // The agent cancelled its upstream request too.
    await eventually(async () => bridge.upstream.aborted > abortedBefore, BOUND_MS);
    await stillStreaming(bystander);

    const [event] = await eventually(async () => {
      const rows = await revocationAudit(user.id);
      return rows.length > 0 ? rows : undefined;
    });
    expect(event).toMatchObject({
      actor_type: 'system',
      actor_name: 'revocation',
      target_type: 'user',
      outcome: 'denied',
      details: { reason: 'user_disabled', proxyCalls: 1, adminStreams: 0 },
    });
    expect(event.details.requestIds).toHaveLength(1);
    const [record] = await eventually(async () => {
      const rows = await relaySql(
        bridge.relay,
        'select status, error_code from transfer_records where request_id = $1',
        [event.details.requestIds[0]],
      );
      return rows.length > 0 ? rows : undefined;
    });
    expect(record).toEqual({ status: 403, error_code: 'ACCESS_REVOKED' });
    // A new call is refused at once as well.
    const again = await fetch(bridge.proxyUrl('/api/bytes?size=10'), {
      headers: { authorization: `Bearer ${user.tokens.accessToken}` },
    });
    expect(again.status).toBe(401);
  });

  it('a call cut before its answer began gets 403 ACCESS_REVOKED', async () => {
    const user = await createUser(admin, ['client'], 'waiter');
    await grant({ userId: user.id }, 'svc');
    const pending = fetch(bridge.proxyUrl('/api/hang'), {
      headers: { authorization: `Bearer ${user.tokens.accessToken}` },
    });
    await eventually(async () => bridge.upstream.hits.some((hit) => hit.url === '/api/hang'));
    await admin.delete(`/api/v1/users/${user.id}`);
    const response = await pending;
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ code: 'ACCESS_REVOKED' });
    const [event] = await eventually(async () => {
      const rows = await revocationAudit(user.id);
      return rows.length > 0 ? rows : undefined;
    });
    expect(event.details.reason).toBe('user_deleted');
  });

  it("a password reset ends the downloads of the user's sessions, not of their keys", async () => {
    const user = await createUser(admin, ['client'], 'reset');
    await grant({ userId: user.id }, 'svc');
    const key = await user.api.post('/api/v1/api-keys', { name: 'own-key' });
    expect(key.status).toBe(201);
    await grant({ apiKeyId: key.body.id as string }, 'svc');
    const bySession = await startDownload(bridge.proxyUrl('/api/endless'), {
      authorization: `Bearer ${user.tokens.accessToken}`,
    });
    const byKey = await startDownload(bridge.proxyUrl('/api/endless'), {
      'x-api-key': key.body.key as string,
    });
    await cutBy(bySession, () =>
      admin.post(`/api/v1/users/${user.id}/password`, { password: 'a-brand-new-password-9' }),
    );
    await stillStreaming(byKey);
    byKey.abort();
    const [event] = await eventually(async () => {
      const rows = await revocationAudit(user.id);
      return rows.length > 0 ? rows : undefined;
    });
    expect(event.details).toMatchObject({ reason: 'session_ended', proxyCalls: 1 });
  });

  it('revoking an API key cuts its download; other principals keep streaming', async () => {
    const key = await newApiKey();
    await grant({ apiKeyId: key.id });
    const download = await startDownload(bridge.proxyUrl('/api/endless'), {
      'x-api-key': key.key,
    });
    const { bytesAfter } = await cutBy(download, () => admin.delete(`/api/v1/api-keys/${key.id}`));
    expect(bytesAfter).toBeLessThan(64 * MiB);
    await stillStreaming(bystander);
    const [event] = await eventually(async () => {
      const rows = await revocationAudit(key.id);
      return rows.length > 0 ? rows : undefined;
    });
    expect(event).toMatchObject({
      target_type: 'api_key',
      details: { reason: 'api_key_revoked', proxyCalls: 1 },
    });
  });

  it('removing a grant cuts only the calls it allowed and no other grant still allows', async () => {
    const key = await newApiKey();
    const svcGrant = await grant({ apiKeyId: key.id }, 'svc');
    await grant({ apiKeyId: key.id }, 'svc2');
    const covered = await newApiKey();
    const coveredSvcGrant = await grant({ apiKeyId: covered.id }, 'svc');
    await grant({ apiKeyId: covered.id }, '*');

    const onSvc = await startDownload(bridge.proxyUrl('/api/endless'), { 'x-api-key': key.key });
    const onSvc2 = await startDownload(bridge.proxyUrl('/api/endless', 'svc2'), {
      'x-api-key': key.key,
    });
    const stillCovered = await startDownload(bridge.proxyUrl('/api/endless'), {
      'x-api-key': covered.key,
    });
    await cutBy(onSvc, () => admin.delete(`/api/v1/grants/${svcGrant}`));
    expect((await admin.delete(`/api/v1/grants/${coveredSvcGrant}`)).status).toBe(204);
    // Give a sweep every chance to get it wrong.
    await sleep(1_500);
    await stillStreaming(onSvc2);
    await stillStreaming(stillCovered);
    onSvc2.abort();
    stillCovered.abort();
    const [event] = await eventually(async () => {
      const rows = await revocationAudit(key.id);
      return rows.length > 0 ? rows : undefined;
    });
    expect(event.details).toMatchObject({ reason: 'grant_removed', proxyCalls: 1 });
    expect(await revocationAudit(covered.id)).toEqual([]);
  });

  it('changes made outside this relay (another relay, the CLI) are caught by the sweep', async () => {
    const user = await createUser(admin, ['client'], 'elsewhere');
    await grant({ userId: user.id }, 'svc');
    const download = await startDownload(bridge.proxyUrl('/api/endless'), {
      authorization: `Bearer ${user.tokens.accessToken}`,
    });
    // Straight in the database: this relay's services never hear of it.
    await cutBy(download, () =>
      relaySql(bridge.relay, 'update users set enabled = false where id = $1', [user.id]),
    );
    await stillStreaming(bystander);
  });

  it('an API key that expires mid-download is cut', async () => {
    const key = await newApiKey(new Date(Date.now() + 3_000).toISOString());
    await grant({ apiKeyId: key.id });
    const download = await startDownload(bridge.proxyUrl('/api/endless'), {
      'x-api-key': key.key,
    });
    expect(await Promise.race([download.outcome, sleep(3_000 + BOUND_MS)])).toBe('cut');
    const [event] = await eventually(async () => {
      const rows = await revocationAudit(key.id);
      return rows.length > 0 ? rows : undefined;
    });
    expect(event.details.reason).toBe('api_key_expired');
  });

  it('documents ACCESS_REVOKED in the OpenAPI document', async () => {
    const doc = (await (await fetch(`${bridge.relay.url}/docs-json`)).json()) as Json;
    const paths = Object.entries(doc.paths as Record<string, Json>);
    const proxy = paths.filter(([path]) => path.startsWith('/api/v1/proxy/'));
    expect(proxy.length).toBeGreaterThan(0);
    for (const [, operations] of proxy) {
      for (const operation of Object.values(operations as Record<string, Json>)) {
        expect(operation.responses['403'].description).toContain('ACCESS_REVOKED');
      }
    }
    const events = doc.paths['/api/v1/connections/events'].get;
    expect(events.description).toContain('ACCESS_REVOKED');
  });

  describe('admin event streams', () => {
    const eventsUrl = () => `${bridge.relay.url}/api/v1/connections/events`;

    it("a disabled operator's connection events stream is closed and gets no more", async () => {
      const operator = await createUser(admin, ['operator'], 'watcher');
      const feed = await openSse(eventsUrl(), operator.tokens.accessToken);
      const watching = await openSse(eventsUrl(), bridge.adminToken);
      await feed.waitFor((event) => event.event === 'snapshot');
      const startedAt = Date.now();
      await admin.post(`/api/v1/users/${operator.id}/disable`);
      const revoked = await feed.waitFor((event) => event.event === 'revoked', BOUND_MS);
      expect(revoked.data).toMatchObject({ code: 'ACCESS_REVOKED' });
      await Promise.race([feed.ended, sleep(BOUND_MS)]);
      expect(Date.now() - startedAt).toBeLessThan(BOUND_MS);
      // The server ended the stream: whatever happens next, nothing more arrives.
      const seen = feed.events.length;
      expect(feed.events[seen - 1].event).toBe('revoked');
      await sleep(500);
      expect(feed.events).toHaveLength(seen);
      // The admin's stream is untouched.
      expect(watching.events.some((event) => event.event === 'revoked')).toBe(false);
      watching.close();
      const [event] = await eventually(async () => {
        const rows = await revocationAudit(operator.id);
        return rows.length > 0 ? rows : undefined;
      });
      expect(event.details).toMatchObject({ reason: 'user_disabled', adminStreams: 1 });
    });

    it('an operator demoted to client loses the stream', async () => {
      const operator = await createUser(admin, ['operator'], 'demoted');
      const feed = await openSse(eventsUrl(), operator.tokens.accessToken);
      await feed.waitFor((event) => event.event === 'snapshot');
      expect(
        (await admin.patch(`/api/v1/users/${operator.id}`, { roles: ['client'] })).status,
      ).toBe(200);
      await feed.waitFor((event) => event.event === 'revoked', BOUND_MS);
      await feed.ended;
      const [event] = await eventually(async () => {
        const rows = await revocationAudit(operator.id);
        return rows.length > 0 ? rows : undefined;
      });
      expect(event.details.reason).toBe('role_removed');
    });
  });
  // Last: the filler rows it writes break the audit chain, which no later test minds.
  it('an auditor demoted during a long audit export has it cut off', async () => {
    await relaySql(
      bridge.relay,
      `insert into audit_events (seq, occurred_at, actor_type, action, outcome, details,
                                 prev_hash, hash)
       select 10000000 + g, now(), 'system', 'audit.retention', 'success',
              jsonb_build_object('filler', repeat('x', 500)), 'filler', 'filler'
         from generate_series(1, 40000) g`,
    );
    const auditor = await createUser(admin, ['auditor'], 'exporter');
    const response = await fetch(
      `${bridge.relay.url}/api/v1/audit-events/export?action=audit.retention`,
      { headers: { authorization: `Bearer ${auditor.tokens.accessToken}` } },
    );
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    // Read a little, then stall like a slow client: the export waits for us.
    expect((await reader.read()).done).toBe(false);
    await sleep(300);
    await admin.patch(`/api/v1/users/${auditor.id}`, { roles: ['client'] });
    let bytes = 0;
    const outcome = await (async () => {
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return 'ended';
          bytes += value.length;
        }
      } catch {
        return 'cut';
      }
    })();
    expect(outcome).toBe('cut');
    expect(bytes).toBeLessThan(40_000 * 500);
    const [event] = await eventually(async () => {
      const rows = await revocationAudit(auditor.id);
      return rows.length > 0 ? rows : undefined;
    });
    expect(event.details).toMatchObject({ reason: 'role_removed', adminStreams: 1 });
  });
});
