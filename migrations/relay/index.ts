/** Relay migrations in the order they apply. Generated files are added here, never edited. */
export const RELAY_MIGRATIONS = [];
