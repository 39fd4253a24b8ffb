import type { Pool, PoolClient } from 'pg';
import Cursor from 'pg-cursor';
import type { NamedQuery } from '../datasource.types';
import { sendCancelRequest, type CancelTarget } from './cancel-request';
import { columnTypeName, RESULT_TYPES } from './column-types';
import type { ResultColumn } from './result-encoders';

/** pg's Client knows its backend's cancel key, though its typings do not say so. */
type SessionClient = PoolClient & CancelTarget;

interface FieldInfo {
  name: string;
  dataTypeID: number;
}

/**
 * One named query running on a pooled connection inside its own transaction, read through
 * a server-side cursor. `finish` commits and returns the connection; `abort` cancels any
 * running statement and closes the connection, so a cancelled query stops on the server.
 */
export class QuerySession {
  columns: ResultColumn[] = [];
  private cursor?: Cursor<unknown[]>;
  private reading = false;
  private closed = false;

  private constructor(private readonly client: SessionClient) {}

  static async open(pool: Pool, query: NamedQuery, values: unknown[]): Promise<QuerySession> {
    const client = (await pool.connect()) as SessionClient;
    const session = new QuerySession(client);
    try {
      await client.query(
        `${query.readOnly ? 'BEGIN READ ONLY' : 'BEGIN'}; SET LOCAL statement_timeout = ${Math.floor(query.timeoutMs)}`,
      );
      session.cursor = client.query(
        new Cursor<unknown[]>(query.sql, values, { rowMode: 'array', types: RESULT_TYPES }),
      );
      return session;
    } catch (error) {
      session.abort();
      throw error;
    }
  }

  /** Up to `count` more rows; fewer means the result is exhausted. */
  read(count: number): Promise<unknown[][]> {
    const cursor = this.cursor!;
    this.reading = true;
    return new Promise((resolve, reject) => {
      cursor.read(count, (error, rows, result) => {
        this.reading = false;
        if (error) return reject(error);
        if (this.columns.length === 0 && result?.fields) {
          this.columns = (result.fields as FieldInfo[]).map((field) => ({
            name: field.name,
            type: columnTypeName(field.dataTypeID),
          }));
        }
        resolve(rows);
      });
    });
  }

  /** Closes the cursor, commits, and returns the connection to the pool. */
  async finish(): Promise<void> {
    if (this.closed) return;
    try {
      await this.cursor?.close();
      await this.client.query('COMMIT');
      this.closed = true;
      this.client.release();
    } catch (error) {
      this.abort();
      throw error;
    }
  }

  /**
   * After a statement failed on the server the connection is still sound: roll back and
   * return it to the pool. Anything odd on the way drops it instead.
   */
  async fail(): Promise<void> {
    if (this.closed) return;
    try {
      await this.cursor?.close();
      await this.client.query('ROLLBACK');
      this.closed = true;
      this.client.release();
    } catch {
      this.abort();
    }
  }

  /** Stops at once: cancels a running statement, then drops the connection. */
  abort(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.reading) void sendCancelRequest(this.client);
    this.client.release(new Error('query aborted'));
  }
}
