import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';

/**
 * Three hosts on this machine, made of network namespaces joined by veth pairs, addressed
 * from 198.18.0.0/15 (the benchmarking range):
 *
 *   internet 198.18.1.1 --- 198.18.1.2 dmz 198.18.2.1 --- 198.18.2.2 intranet
 *
 * The dmz does not forward, so the internet has no path into the intranet; and the
 * intranet's firewall drops every connection it did not open itself, so not even the dmz
 * can connect in. The intranet reaches the dmz (its default route points there).
 */
export class NetworkLayout {
  readonly id = randomBytes(2).toString('hex');
  readonly internet = `ib-inet-${this.id}`;
  readonly dmz = `ib-dmz-${this.id}`;
  readonly intranet = `ib-intra-${this.id}`;
  readonly dmzToIntranetLink = `ibd${this.id}b`;
  readonly addresses = {
    internet: '198.18.1.1',
    dmzPublic: '198.18.1.2',
    dmzInner: '198.18.2.1',
    intranet: '198.18.2.2',
  };
  private readonly children: ChildProcess[] = [];

  static available(): string | undefined {
    if (process.getuid?.() !== 0) return 'not running as root';
    try {
      execFileSync('ip', ['netns', 'list'], { stdio: 'ignore' });
      execFileSync('iptables', ['--version'], { stdio: 'ignore' });
    } catch {
      return 'ip (iproute2) or iptables is missing';
    }
    return undefined;
  }

  create(): void {
    for (const ns of [this.internet, this.dmz, this.intranet]) {
      ip('netns', 'add', ns);
      ip('-n', ns, 'link', 'set', 'lo', 'up');
    }
    this.link(
      this.internet,
      `ibi${this.id}a`,
      `${this.addresses.internet}/24`,
      this.dmz,
      `ibd${this.id}a`,
      `${this.addresses.dmzPublic}/24`,
    );
    this.link(
      this.dmz,
      this.dmzToIntranetLink,
      `${this.addresses.dmzInner}/24`,
      this.intranet,
      `ibn${this.id}b`,
      `${this.addresses.intranet}/24`,
    );
    ip('-n', this.internet, 'route', 'add', 'default', 'via', this.addresses.dmzPublic);
    ip('-n', this.intranet, 'route', 'add', 'default', 'via', this.addresses.dmzInner);
    execFileSync('ip', ['netns', 'exec', this.dmz, 'sysctl', '-qw', 'net.ipv4.ip_forward=0']);
    const firewall = (...rule: string[]) =>
      execFileSync('ip', ['netns', 'exec', this.intranet, 'iptables', ...rule]);
    firewall('-A', 'INPUT', '-i', 'lo', '-j', 'ACCEPT');
    firewall('-A', 'INPUT', '-m', 'conntrack', '--ctstate', 'ESTABLISHED,RELATED', '-j', 'ACCEPT');
    firewall('-P', 'INPUT', 'DROP');
  }

  /** Deletes the namespaces (and with them their links), whatever state they are in. */
  destroy(): void {
    for (const child of this.children) if (child.exitCode === null) child.kill('SIGKILL');
    for (const ns of [this.internet, this.dmz, this.intranet]) {
      try {
        ip('netns', 'del', ns);
      } catch {
        // already gone
      }
    }
  }

  /** Starts a long-running process inside a namespace; resolves when a line matches `ready`. */
  async start(
    ns: string,
    args: string[],
    env: Record<string, string>,
    ready: RegExp,
  ): Promise<ChildProcess> {
    const child = spawn('ip', ['netns', 'exec', ns, ...args], {
      env: { PATH: process.env.PATH, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.children.push(child);
    const output: string[] = [];
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${args.join(' ')} not ready: ${output.join('\n')}`)),
        60_000,
      );
      child.once('exit', (code) =>
        reject(new Error(`${args.join(' ')} exited ${code}: ${output.join('\n')}`)),
      );
      for (const stream of [child.stdout, child.stderr]) {
        createInterface({ input: stream }).on('line', (line) => {
          output.push(line);
          if (ready.test(line)) {
            clearTimeout(timer);
            resolve();
          }
        });
      }
    });
    return child;
  }

  /** Runs a command in a namespace and returns its stdout. */
  run(ns: string, args: string[]): Promise<string> {
    return new Promise((resolve, reject) => {
      const child = spawn('ip', ['netns', 'exec', ns, ...args], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.once('exit', () => resolve(out));
      child.once('error', reject);
    });
  }

  setLink(ns: string, device: string, state: 'up' | 'down'): void {
    ip('-n', ns, 'link', 'set', device, state);
  }

  private link(
    nsA: string,
    devA: string,
    addrA: string,
    nsB: string,
    devB: string,
    addrB: string,
  ): void {
    ip('link', 'add', devA, 'netns', nsA, 'type', 'veth', 'peer', 'name', devB, 'netns', nsB);
    ip('-n', nsA, 'addr', 'add', addrA, 'dev', devA);
    ip('-n', nsB, 'addr', 'add', addrB, 'dev', devB);
    ip('-n', nsA, 'link', 'set', devA, 'up');
    ip('-n', nsB, 'link', 'set', devB, 'up');
  }
}

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}
