import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { decodeFrame, FrameType } from '../protocol';
import { InboundBody, type CreditSink } from './inbound-body';

const KIB = 1024;
const WINDOW = 256 * KIB;
const CHUNK = 64 * KIB;

/** Records the credit an InboundBody grants, as the peer would add it up. */
class CreditLedger implements CreditSink {
  granted = 0;

  sendCredit(frame: Buffer): void {
    const decoded = decodeFrame(frame, { maxFrameSize: 16 });
    if (decoded.type !== FrameType.WINDOW) throw new Error('expected a WINDOW frame');
    this.granted += decoded.increment;
  }
}

/** Plays the sender: spends the whole window at once, as a fast peer does. */
function fillWindow(body: InboundBody): void {
  for (let sent = 0; sent < WINDOW; sent += CHUNK) body.accept(Buffer.alloc(CHUNK));
}

describe('InboundBody', () => {
  it('grants credit back when a paused reader drains a full window', () => {
    const ledger = new CreditLedger();
    const body = new InboundBody(1, ledger, WINDOW);
    fillWindow(body);

    // Node calls _read once and then waits for a push that a sender out of credit never makes.
    while (body.read() !== null);

    expect(ledger.granted).toBe(WINDOW);
  });

  it('grants credit back to a flowing reader chunk by chunk', async () => {
    const ledger = new CreditLedger();
    const body = new InboundBody(1, ledger, WINDOW);
    let seen = 0;
    body.on('data', (chunk: Buffer) => (seen += chunk.length));
    await new Promise((resolve) => setImmediate(resolve));

    fillWindow(body);
    await new Promise((resolve) => setImmediate(resolve));

    expect(seen).toBe(WINDOW);
    expect(ledger.granted).toBe(WINDOW);
  });

  it('moves many windows through a pipe into a slow writer', async () => {
    const ledger = new CreditLedger();
    const body = new InboundBody(1, ledger, WINDOW);
    let written = 0;
    const slow = new Writable({
      highWaterMark: CHUNK,
      write(chunk: Buffer, _encoding, done) {
        written += chunk.length;
        setImmediate(done);
      },
    });
    const total = 16 * WINDOW;
    let sent = 0;
    // The sender spends credit only as it is granted, like SendWindow on the peer.
    const send = (): void => {
      while (sent < total && sent + CHUNK <= ledger.granted + WINDOW) {
        body.accept(Buffer.alloc(CHUNK));
        sent += CHUNK;
      }
      if (sent < total) setImmediate(send);
      else body.finish();
    };
    send();

    await pipeline(body, slow);
    expect(written).toBe(total);
  });

  it('grants nothing while nobody reads', () => {
    const ledger = new CreditLedger();
    const body = new InboundBody(1, ledger, WINDOW);
    fillWindow(body);

    expect(ledger.granted).toBe(0);
    expect(() => body.accept(Buffer.alloc(1))).toThrow(/credit/);
  });
});
