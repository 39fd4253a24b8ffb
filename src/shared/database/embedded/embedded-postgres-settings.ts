/**
 * Server settings for the embedded PostgreSQL: sized for one gateway process talking to it
 * over a socket, not for a shared database server (run a real one for that: DATABASE_URL).
 * Documented in docs/operations.md ("Embedded PostgreSQL"); an operator can override any of
 * them in <DATA_DIR>/pg/postgresql.auto.conf (ALTER SYSTEM), which PostgreSQL reads last.
 */
export const EMBEDDED_SETTINGS: Record<string, string> = {
  // Reached only through the Unix socket in the owner-only folder.
  listen_addresses: '',
  unix_socket_permissions: '0700',
  // The pool (EMBEDDED_POOL_SIZE), the admin CLI as a second client, and room to spare.
  max_connections: '20',
  superuser_reserved_connections: '2',
  // Memory: the tables of a gateway are small and written by appends.
  shared_buffers: '16MB',
  wal_buffers: '1MB',
  work_mem: '2MB',
  maintenance_work_mem: '16MB',
  temp_buffers: '1MB',
  jit: 'off',
  huge_pages: 'off',
  // Fewer processes: no I/O workers, no parallel query, no replication.
  io_method: 'sync',
  max_worker_processes: '2',
  max_parallel_workers: '0',
  max_parallel_workers_per_gather: '0',
  max_parallel_maintenance_workers: '0',
  wal_level: 'minimal',
  max_wal_senders: '0',
  max_replication_slots: '0',
  max_logical_replication_workers: '0',
  autovacuum_max_workers: '1',
  autovacuum_worker_slots: '1',
  // A small WAL: it fills to max_wal_size under load and stays that size, a fixed part of
  // the data folder (bench/README.md, "Storage per call"). 32MB is two 16MB segments, the
  // least min_wal_size may be; checkpoints come every 32MB of WAL.
  max_wal_size: '32MB',
  min_wal_size: '32MB',
  // Durability as on any server: a commit is on disk before the caller hears of it.
  fsync: 'on',
  synchronous_commit: 'on',
  // Messages go to the process's log; keep them few and in English (we read none of them).
  lc_messages: 'C',
  log_min_messages: 'warning',
  log_line_prefix: '',
  log_checkpoints: 'off',
};

/** Connections the app's pool may open to its embedded server. */
export const EMBEDDED_POOL_SIZE = 5;
