import type { RelayConfig } from '../../src/relay/relay.config';
import { ADMIN, Api, IDENTITY_ENV, login, loginAs } from '../utils/identity';
import type { Json } from '../utils/operations';
import { startRelay, type RunningApp } from '../utils/test-apps';

/** Every identity and session action leaves its audit event, and no secret ever appears. */
describe('audit events of sessions and administration', () => {
  let relay: RunningApp<RelayConfig>;
  let admin: Api;
  let adminToken: string;
  /** Every secret the tests handle; none may appear anywhere in the audit log. */
  const secrets: string[] = [ADMIN.password];

  beforeAll(async () => {
    relay = await startRelay({ ...IDENTITY_ENV, LOGIN_MAX_FAILURES: '3', AUDIT_DENIAL_DEDUP: '0' });
    const session = await loginAs(relay.url, ADMIN.username, ADMIN.password);
    admin = session.api;
    adminToken = session.tokens.accessToken;
    secrets.push(session.tokens.accessToken, session.tokens.refreshToken);
  });
  afterAll(async () => {
    await relay?.close();
  });

  const events = async (query: string): Promise<Json[]> => {
    const result = await admin.get(`/api/v1/audit-events?limit=500&${query}`);
    expect(result.status).toBe(200);
    return result.body.items;
  };

  it('records logins, failed logins and locked-out attempts, with name and address', async () => {
    const [success] = await events(`action=auth.login&outcome=success`);
    expect(success).toMatchObject({
      actor: { type: 'user', name: ADMIN.username, ip: '127.0.0.1' },
      target: { type: 'user', id: success.actor.id },
      requestId: expect.any(String),
    });
    const wrong = 'not-the-password-1';
    secrets.push(wrong);
    expect((await login(relay.url, 'mallory', wrong)).status).toBe(401);
    const [failure] = await events('action=auth.login&outcome=failure');
    expect(failure).toMatchObject({
      actor: { type: 'anonymous', name: 'mallory', ip: '127.0.0.1' },
      details: { reason: 'INVALID_CREDENTIALS' },
    });
    for (let i = 0; i < 3; i++) await login(relay.url, 'mallory', wrong);
    const locked = await login(relay.url, 'mallory', wrong);
    expect(locked.status).toBe(429);
    const lockouts = (await events('action=auth.login&outcome=failure')).filter(
      (e) => e.details.reason === 'TOO_MANY_ATTEMPTS',
    );
    expect(lockouts.length).toBeGreaterThanOrEqual(1);
    expect(lockouts[0].actor.name).toBe('mallory');
  });

  it('records refreshes, refused refreshes, logouts and password changes', async () => {
    const user = await admin.post('/api/v1/users', {
      username: 'carol',
      password: 'carol-password-1',
      roles: ['operator'],
    });
    expect(user.status).toBe(201);
    secrets.push('carol-password-1');
    const first = (await loginAs(relay.url, 'carol', 'carol-password-1')).tokens;
    const refreshed = await new Api(relay.url).post('/api/v1/auth/refresh', {
      refreshToken: first.refreshToken,
    });
    expect(refreshed.status).toBe(200);
    secrets.push(
      first.accessToken,
      first.refreshToken,
      refreshed.body.accessToken,
      refreshed.body.refreshToken,
    );
    const [refresh] = await events(`action=auth.refresh&actor=${user.body.id}`);
    expect(refresh).toMatchObject({ outcome: 'success', actor: { type: 'user', name: 'carol' } });

    // Reusing the spent token is refused (and ends the session): a failure is recorded.
    const reused = await new Api(relay.url).post('/api/v1/auth/refresh', {
      refreshToken: first.refreshToken,
    });
    expect(reused.status).toBe(401);
    const [refused] = await events('action=auth.refresh&outcome=failure');
    expect(refused.details.reason).toBe(reused.body.code);

    const second = (await loginAs(relay.url, 'carol', 'carol-password-1')).tokens;
    secrets.push(second.accessToken, second.refreshToken);
    const carol = new Api(relay.url).withBearer(second.accessToken);
    const badChange = await carol.post('/api/v1/auth/password', {
      currentPassword: 'wrong-password-9',
      newPassword: 'carol-password-2',
    });
    expect(badChange.status).toBe(400);
    const changed = await carol.post('/api/v1/auth/password', {
      currentPassword: 'carol-password-1',
      newPassword: 'carol-password-2',
    });
    expect(changed.status).toBe(200);
    secrets.push(
      'carol-password-2',
      'wrong-password-9',
      changed.body.accessToken,
      changed.body.refreshToken,
    );
    const changes = await events(`action=auth.password_change&target=${user.body.id}`);
    expect(changes.map((e) => e.outcome)).toEqual(['success', 'failure']);
    expect(changes[0].actor).toMatchObject({ type: 'user', id: user.body.id });
    // A user's own change is not also an admin reset.
    expect(await events(`action=user.password_reset&target=${user.body.id}`)).toEqual([]);

    expect(
      (
        await new Api(relay.url).post('/api/v1/auth/logout', {
          refreshToken: changed.body.refreshToken,
        })
      ).status,
    ).toBe(204);
    const [logout] = await events(`action=auth.logout`);
    expect(logout).toMatchObject({ outcome: 'success', actor: { type: 'user', id: user.body.id } });
  });

  it('records user administration with before and after, never the password', async () => {
    const created = await admin.post('/api/v1/users', {
      username: 'dave',
      password: 'dave-password-12',
      roles: ['client'],
    });
    secrets.push('dave-password-12');
    const id = created.body.id;
    await admin.patch(`/api/v1/users/${id}`, { roles: ['client', 'auditor'], displayName: 'Dave' });
    await admin.post(`/api/v1/users/${id}/disable`);
    await admin.post(`/api/v1/users/${id}/password`, { password: 'dave-password-34' });
    secrets.push('dave-password-34');
    await admin.delete(`/api/v1/users/${id}`);
    const trail = (await events(`target=${id}`)).reverse();
    expect(trail.map((e) => e.action)).toEqual([
      'user.create',
      'user.update',
      'user.update',
      'user.password_reset',
      'user.delete',
    ]);
    expect(trail[0].details).toMatchObject({
      before: null,
      after: { username: 'dave', roles: ['client'] },
    });
    expect(trail[1].details).toMatchObject({
      before: { roles: ['client'], displayName: null },
      after: { roles: ['client', 'auditor'], displayName: 'Dave' },
    });
    expect(trail[2].details).toMatchObject({
      before: { enabled: true },
      after: { enabled: false },
    });
    expect(trail[4].details).toMatchObject({ before: { username: 'dave' }, after: null });
    for (const event of trail) {
      expect(event.actor).toMatchObject({ type: 'user', name: ADMIN.username, ip: '127.0.0.1' });
    }
  });

  it('records API keys, agents and grants, never a key or a secret', async () => {
    const key = await admin.post('/api/v1/api-keys', { name: 'audited-key' });
    secrets.push(key.body.key);
    const agent = await admin.post('/api/v1/agents', { name: 'audited-agent' });
    secrets.push(agent.body.secret);
    const grant = await admin.post('/api/v1/grants', {
      apiKeyId: key.body.id,
      agentId: agent.body.id,
      datasource: '*',
      operations: ['GET'],
    });
    expect(grant.status).toBe(201);
    await admin.patch(`/api/v1/agents/${agent.body.id}`, { description: 'now described' });
    const rotated = await admin.post(`/api/v1/agents/${agent.body.id}/rotate-secret`);
    secrets.push(rotated.body.secret);

    // The agent trades its secret for a token: success and failure are recorded.
    const token = await new Api(relay.url).post('/api/v1/agents/token', {
      agentId: agent.body.id,
      secret: rotated.body.secret,
    });
    expect(token.status).toBe(200);
    secrets.push(token.body.accessToken);
    const wrongSecret = await new Api(relay.url).post('/api/v1/agents/token', {
      agentId: agent.body.id,
      secret: agent.body.secret,
    });
    expect(wrongSecret.status).toBe(401);
    const tokenEvents = await events(`action=auth.agent_token&target=${agent.body.id}`);
    expect(tokenEvents.map((e) => e.outcome)).toEqual(['failure', 'success']);
    expect(tokenEvents[1].actor).toMatchObject({
      type: 'agent',
      id: agent.body.id,
      name: 'audited-agent',
    });

    await admin.delete(`/api/v1/grants/${grant.body.id}`);
    await admin.delete(`/api/v1/api-keys/${key.body.id}`);
    await admin.delete(`/api/v1/agents/${agent.body.id}`);

    expect((await events(`target=${key.body.id}`)).map((e) => e.action).reverse()).toEqual([
      'api_key.create',
      'api_key.revoke',
    ]);
    const [revoke] = await events(`action=api_key.revoke&target=${key.body.id}`);
    expect(revoke.details.before.revokedAt ?? null).toBeNull();
    expect(revoke.details.after.revokedAt).toEqual(expect.any(String));
    expect(
      (await events(`target=${agent.body.id}&action=agent.*`)).map((e) => e.action).reverse(),
    ).toEqual(['agent.create', 'agent.update', 'agent.rotate_secret', 'agent.delete']);
    const [update] = await events(`action=agent.update&target=${agent.body.id}`);
    expect(update.details).toMatchObject({
      before: { description: null },
      after: { description: 'now described' },
    });
    expect((await events(`target=${grant.body.id}`)).map((e) => e.action).reverse()).toEqual([
      'grant.create',
      'grant.delete',
    ]);
    const [grantCreate] = await events(`action=grant.create&target=${grant.body.id}`);
    expect(grantCreate.details.after).toMatchObject({ datasource: '*', operations: ['GET'] });
  });

  it('never stores a secret, a token or a hash of one', async () => {
    const response = await fetch(`${relay.url}/api/v1/audit-events/export?format=ndjson`, {
      headers: { authorization: `Bearer ${adminToken}` },
    });
    const text = await response.text();
    expect(text.split('\n').filter(Boolean).length).toBeGreaterThan(20);
    for (const secret of secrets) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/\$argon2/);
    for (const line of text.trim().split('\n')) {
      const event = JSON.parse(line);
      const details = JSON.stringify(event.details ?? {});
      expect(details).not.toMatch(
        /"(password|passwordHash|secret|secretHash|keyHash|key|accessToken|refreshToken)":"(?!\[redacted\])/,
      );
    }
  });

  it('keeps the chain intact through all of it', async () => {
    const report = await admin.get('/api/v1/audit-events/verify');
    expect(report.body).toMatchObject({ intact: true, brokenAt: null });
    expect(report.body.checked).toBeGreaterThan(20);
  });
});
