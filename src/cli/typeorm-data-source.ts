import { readEnvironment } from '../shared/config/read-environment';
import { openMigrationTarget } from './migration-data-source';

/**
 * For TypeORM's own CLI, from the sources (`npm run migration:generate`): it opens the data
 * source this module exports. Kept apart so that importing the shared definition starts nothing.
 */
export default openMigrationTarget(readEnvironment()).then((target) => target.dataSource);
