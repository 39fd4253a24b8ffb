/** What a principal may do on the relay. `admin` passes every role check. */
export enum Role {
  Admin = 'admin',
  Operator = 'operator',
  Auditor = 'auditor',
  Client = 'client',
}

export const ALL_ROLES: readonly Role[] = Object.values(Role);
