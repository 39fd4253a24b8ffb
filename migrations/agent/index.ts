/** Agent migrations in the order they apply. Generated files are added here, never edited. */
export const AGENT_MIGRATIONS = [];
