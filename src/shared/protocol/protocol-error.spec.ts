import { CloseCode } from './close-code';
import { ProtocolError, ProtocolErrorCode } from './protocol-error';

describe('ProtocolError', () => {
  it.each([
    [ProtocolErrorCode.PROTOCOL_ERROR, CloseCode.PROTOCOL_ERROR],
    [ProtocolErrorCode.FLOW_CONTROL_ERROR, CloseCode.PROTOCOL_ERROR],
    [ProtocolErrorCode.FRAME_TOO_LARGE, CloseCode.MESSAGE_TOO_BIG],
    [ProtocolErrorCode.INCOMPATIBLE_VERSION, CloseCode.INCOMPATIBLE_VERSION],
    [ProtocolErrorCode.FRAME_RATE_EXCEEDED, CloseCode.POLICY_VIOLATION],
  ])('maps %s to close code %d', (code, closeCode) => {
    const error = new ProtocolError(code, 'boom', { streamId: 3 });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ProtocolError');
    expect(error.closeCode).toBe(closeCode);
    expect(error.streamId).toBe(3);
  });

  it('uses the agreed close code values', () => {
    expect(CloseCode).toEqual({
      PROTOCOL_ERROR: 1002,
      POLICY_VIOLATION: 1008,
      MESSAGE_TOO_BIG: 1009,
      INTERNAL_ERROR: 1011,
      REPLACED_BY_NEW_SESSION: 4000,
      KICKED: 4001,
      AGENT_DISABLED: 4002,
      INCOMPATIBLE_VERSION: 4003,
      GOING_AWAY: 4004,
    });
  });
});
