import fc from 'fast-check';
import { ReceiveWindow, SendWindow } from './stream-window';
import { DEFAULT_INITIAL_WINDOW, MAX_WINDOW_SIZE } from './protocol-limits';
import { ProtocolError } from './protocol-error';

const flushMicrotasks = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('SendWindow', () => {
  it('starts with the default initial window', () => {
    expect(new SendWindow().available).toBe(DEFAULT_INITIAL_WINDOW);
  });

  it('accounts consumed and granted credit', () => {
    const window = new SendWindow(100);
    window.consume(60);
    expect(window.available).toBe(40);
    window.grant(25);
    expect(window.available).toBe(65);
  });

  it('refuses to spend more than it has', () => {
    const window = new SendWindow(10);
    expect(() => window.consume(11)).toThrow(RangeError);
    expect(() => window.consume(-1)).toThrow(RangeError);
    expect(window.available).toBe(10);
  });

  it('resolves at once while credit remains', async () => {
    await expect(new SendWindow(1).waitForCredit()).resolves.toBeUndefined();
  });

  it('makes a blocked sender resume after a grant', async () => {
    const window = new SendWindow(10);
    window.consume(10);
    let resumed = false;
    const waiting = window.waitForCredit().then(() => (resumed = true));
    await flushMicrotasks();
    expect(resumed).toBe(false);

    window.grant(5);
    await waiting;
    expect(resumed).toBe(true);
  });

  it('shares one pending promise between waiters instead of stacking listeners', () => {
    const window = new SendWindow(1);
    window.consume(1);
    expect(window.waitForCredit()).toBe(window.waitForCredit());
  });

  it('wakes a blocked sender with the close reason', async () => {
    const window = new SendWindow(1);
    window.consume(1);
    const waiting = window.waitForCredit();
    const reason = new Error('stream reset');
    window.close(reason);
    await expect(waiting).rejects.toBe(reason);
    await expect(window.waitForCredit()).rejects.toBe(reason);
    expect(window.closed).toBe(true);
  });

  it('treats growth past 2^31-1 as FLOW_CONTROL_ERROR', () => {
    const window = new SendWindow(MAX_WINDOW_SIZE - 10);
    window.grant(10);
    expect(() => window.grant(1)).toThrow(
      expect.objectContaining({ name: 'ProtocolError', code: 'FLOW_CONTROL_ERROR' }),
    );
    expect(window.available).toBe(MAX_WINDOW_SIZE);
  });

  it('treats a non-positive increment as FLOW_CONTROL_ERROR', () => {
    expect(() => new SendWindow(10).grant(0)).toThrow(ProtocolError);
  });

  it('validates its initial size', () => {
    expect(() => new SendWindow(0)).toThrow(RangeError);
    expect(() => new SendWindow(MAX_WINDOW_SIZE + 1)).toThrow(RangeError);
  });
});

describe('ReceiveWindow', () => {
  it('refuses data beyond the granted credit', () => {
    const window = new ReceiveWindow(100);
    window.receive(100);
    expect(() => window.receive(1)).toThrow(
      expect.objectContaining({ code: 'FLOW_CONTROL_ERROR', closeCode: 1002 }),
    );
  });

  it('grants nothing until the reader has consumed half the window', () => {
    const window = new ReceiveWindow(100);
    window.receive(100);
    expect(window.release(49)).toBe(0);
    expect(window.remaining).toBe(0);
    expect(window.release(1)).toBe(50);
    expect(window.remaining).toBe(50);
    expect(window.buffered).toBe(50);
  });

  it('never grants while data sits unread, which is what stalls the sender', () => {
    const window = new ReceiveWindow(100);
    window.receive(100);
    expect(window.remaining).toBe(0);
    expect(window.buffered).toBe(100);
  });

  it('honours a custom update threshold', () => {
    const window = new ReceiveWindow(100, 10);
    window.receive(30);
    expect(window.release(9)).toBe(0);
    expect(window.release(21)).toBe(30);
  });

  it('refuses to release bytes that were never received', () => {
    const window = new ReceiveWindow(100);
    window.receive(5);
    expect(() => window.release(6)).toThrow(RangeError);
  });

  it('rejects an update threshold larger than the window', () => {
    expect(() => new ReceiveWindow(100, 101)).toThrow(RangeError);
  });
});

describe('SendWindow and ReceiveWindow together', () => {
  it('keep the sender within the receiver budget for any read pattern', () => {
    const chunk = fc.integer({ min: 0, max: 5000 });
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20_000 }),
        fc.array(fc.tuple(chunk, chunk), { maxLength: 200 }),
        (initial, steps) => {
          const sender = new SendWindow(initial);
          const receiver = new ReceiveWindow(initial);
          let inFlightAndUnread = 0;
          for (const [wanted, read] of steps) {
            const sent = Math.min(wanted, sender.available);
            sender.consume(sent);
            receiver.receive(sent);
            inFlightAndUnread += sent;

            const consumed = Math.min(read, receiver.buffered);
            inFlightAndUnread -= consumed;
            const increment = receiver.release(consumed);
            if (increment > 0) sender.grant(increment);

            expect(sender.available).toBe(receiver.remaining);
            expect(inFlightAndUnread).toBeLessThanOrEqual(initial);
          }
        },
      ),
    );
  });
});
