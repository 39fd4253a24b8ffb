import type { Principal } from '../../shared/auth/principal';
import type { AuditEventInput } from '../audit/audit.service';
import { GrantIndex } from '../grants/grant-index';
import type { AuthUser } from '../users/auth-user';
import { LiveHolds, type ProxyCallHold } from './live-holds';
import { PrincipalChanges } from './principal-changes';
import { PrincipalRevocation } from './principal-revocation.service';

const AGENT = 'agent-1';
const alice: Principal = { type: 'user', id: 'u1', userId: 'u1', name: 'alice', roles: [] };
const bob: Principal = { type: 'user', id: 'u2', userId: 'u2', name: 'bob', roles: [] };
const authUser = (id: string, enabled = true): AuthUser => ({
  id,
  username: id,
  roles: [],
  enabled,
  tokenGeneration: 0,
});

/** The database as the sweep reads it, changeable by the test. */
class World {
  users = new Map([
    ['u1', authUser('u1')],
    ['u2', authUser('u2')],
  ]);
  down = false;
  loads = 0;
  gate?: Promise<void>;
  readonly audited: AuditEventInput[] = [];
  readonly usersService = {
    findAuthUsers: async (ids: string[]) => {
      this.loads += 1;
      // What the query sees is fixed when it runs, however long the answer takes.
      const seen = new Map(
        ids.flatMap((id) => (this.users.has(id) ? [[id, this.users.get(id)!]] : [])),
      );
      await this.gate;
      if (this.down) throw new Error('connection refused');
      return seen;
    },
  };
  readonly apiKeysService = { findStanding: async () => new Map() };
  readonly grantsService = {
    loadIndexes: async () => {
      const all = new GrantIndex([
        { agentId: AGENT, datasource: '*', operations: ['GET'], expiresAt: null },
      ]);
      return new Map([
        ['u:u1', all],
        ['u:u2', all],
      ]);
    },
  };
  readonly auditService = {
    record: async (input: AuditEventInput) => void this.audited.push(input),
  };
}

function setUp() {
  const world = new World();
  const holds = new LiveHolds();
  const changes = new PrincipalChanges();
  const revocation = new PrincipalRevocation(
    { REVOCATION_CHECK_MS: 60_000 } as never,
    holds,
    changes,
    world.usersService as never,
    world.apiKeysService as never,
    world.grantsService as never,
    world.auditService as never,
  );
  const ended: string[] = [];
  const hold = (principal: Principal, requestId: string): ProxyCallHold => {
    const entry: ProxyCallHold = {
      kind: 'proxy_call',
      principal,
      requestId,
      agentId: AGENT,
      datasource: 'crm',
      operation: 'GET',
      end: (message) => ended.push(`${requestId}: ${message}`),
    };
    holds.add(entry);
    return entry;
  };
  return { world, holds, changes, revocation, ended, hold };
}

describe('PrincipalRevocation', () => {
  it("ends only the revoked principal's holds and audits once per principal", async () => {
    const { world, holds, revocation, ended, hold } = setUp();
    hold(alice, 'r1');
    hold(alice, 'r2');
    hold(bob, 'r3');
    world.users.set('u1', authUser('u1', false));
    await revocation.sweep();
    expect(ended).toEqual([
      'r1: Access was revoked while this was open (user_disabled)',
      'r2: Access was revoked while this was open (user_disabled)',
    ]);
    expect(holds.size).toBe(1);
    expect(world.audited).toHaveLength(1);
    expect(world.audited[0]).toMatchObject({
      action: 'access.revoked',
      target: { type: 'user', id: 'u1' },
      details: { reason: 'user_disabled', proxyCalls: 2, requestIds: ['r1', 'r2'] },
    });
  });

  it('ends the other holds when one fails to end', async () => {
    const { world, holds, revocation, ended, hold } = setUp();
    const broken = hold(alice, 'r1');
    broken.end = () => {
      throw new Error('socket already gone');
    };
    hold(alice, 'r2');
    world.users.delete('u1');
    await revocation.sweep();
    expect(ended).toEqual(['r2: Access was revoked while this was open (user_deleted)']);
    expect(holds.size).toBe(0);
    expect(world.audited[0]).toMatchObject({ details: { proxyCalls: 2 } });
  });

  it('keeps everything open while the database cannot answer', async () => {
    const { world, holds, revocation, ended, hold } = setUp();
    hold(alice, 'r1');
    world.users.delete('u1');
    world.down = true;
    await revocation.sweep();
    expect(ended).toEqual([]);
    expect(holds.size).toBe(1);
    world.down = false;
    await revocation.sweep();
    expect(ended).toHaveLength(1);
  });

  it('does not end a hold that finished while the sweep was reading', async () => {
    const { world, holds, revocation, ended, hold } = setUp();
    const finishing = hold(alice, 'r1');
    world.users.delete('u1');
    let open!: () => void;
    world.gate = new Promise((resolve) => (open = resolve));
    const sweep = revocation.sweep();
    holds.release(finishing);
    open();
    await sweep;
    expect(ended).toEqual([]);
    expect(world.audited).toEqual([]);
  });

  it('sweeps again after a change announced during a sweep, not in parallel', async () => {
    const { world, changes, revocation, ended, hold } = setUp();
    revocation.onModuleInit();
    hold(alice, 'r1');
    let open!: () => void;
    world.gate = new Promise((resolve) => (open = resolve));
    const first = revocation.sweep();
    // Committed after the running sweep read the users: only a second sweep can see it.
    world.users.set('u1', authUser('u1', false));
    changes.publish({ kind: 'user', id: 'u1' });
    expect(world.loads).toBe(1);
    open();
    await first;
    expect(world.loads).toBe(2);
    expect(ended).toHaveLength(1);
    revocation.onModuleDestroy();
  });
});
