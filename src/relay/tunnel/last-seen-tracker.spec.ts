import { Subject } from 'rxjs';
import { AgentPresence } from '../agents/agent-presence';
import type { AgentsService } from '../agents/agents.service';
import { LastSeenTracker } from './last-seen-tracker';
import type { TunnelEvent, TunnelRegistry } from './tunnel-registry';
import type { TunnelSession } from './tunnel-session';

function session(agentId: string): TunnelSession {
  return { identity: { agentId } } as unknown as TunnelSession;
}

describe('LastSeenTracker', () => {
  const events = new Subject<TunnelEvent>();
  const live = new Map<string, TunnelSession>();
  const registry = {
    events,
    get: (id: string) => live.get(id),
    list: () => [...live.values()],
  } as unknown as TunnelRegistry;
  const touched: string[][] = [];
  const agents = {
    touchLastSeen: (ids: string[]) => {
      touched.push(ids);
      return Promise.resolve();
    },
  } as unknown as AgentsService;
  const presence = new AgentPresence();
  const tracker = new LastSeenTracker(registry, agents, presence, 20);

  beforeAll(() => tracker.onModuleInit());
  afterAll(() => tracker.onApplicationShutdown());

  it('touches on connect and disconnect, not on a catalog change', () => {
    const a = session('a');
    events.next({ type: 'connected', session: a });
    events.next({ type: 'catalog', session: a });
    events.next({ type: 'disconnected', session: a, code: 1000, reason: '' });
    expect(touched.splice(0)).toEqual([['a'], ['a']]);
  });

  it('refreshes every connected agent in one call per interval, and none when idle', async () => {
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(touched.splice(0)).toEqual([]);
    live.set('a', session('a'));
    live.set('b', session('b'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(touched.length).toBeGreaterThanOrEqual(1);
    expect(touched.every((ids) => ids.join() === 'a,b')).toBe(true);
  });

  it('answers online from the live sessions', () => {
    expect(presence.isOnline('a')).toBe(true);
    expect(presence.isOnline('c')).toBe(false);
  });
});
