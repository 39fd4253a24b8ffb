import { CreateIdentity1764140000000 } from './1764140000000-create-identity';

/** Relay migrations in the order they apply. Generated files are added here, never edited. */
export const RELAY_MIGRATIONS = [CreateIdentity1764140000000];
