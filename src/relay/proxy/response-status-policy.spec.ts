import { isRelayableErrorStatus, isRelayableStatus } from './response-status-policy';

describe('response status policy', () => {
  it('passes final statuses only', () => {
    for (const status of [200, 204, 301, 304, 404, 500, 599]) {
      expect({ status, ok: isRelayableStatus(status) }).toEqual({ status, ok: true });
    }
    for (const status of [100, 101, 103, 199, 600, 0, -200, 200.5, NaN]) {
      expect({ status, ok: isRelayableStatus(status) }).toEqual({ status, ok: false });
    }
  });

  it('lets a RESET choose an error status only', () => {
    expect(isRelayableErrorStatus(400)).toBe(true);
    expect(isRelayableErrorStatus(503)).toBe(true);
    for (const status of [101, 200, 302, 399, 600, 418.5]) {
      expect({ status, ok: isRelayableErrorStatus(status) }).toEqual({ status, ok: false });
    }
  });
});
