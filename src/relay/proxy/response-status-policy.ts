/**
 * Statuses the relay passes on from an agent. Only final answers: a 1xx is interim (and 101
 * would switch the caller's connection to another protocol), so it never reaches a caller.
 */
export function isRelayableStatus(status: number): boolean {
  return Number.isInteger(status) && status >= 200 && status <= 599;
}

/** A RESET fails the call, so the status it asks for must be an error status. */
export function isRelayableErrorStatus(status: number): boolean {
  return Number.isInteger(status) && status >= 400 && status <= 599;
}
