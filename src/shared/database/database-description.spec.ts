import { describeDatabase } from './database-description';

describe('describeDatabase', () => {
  it('names the embedded server by its absolute folder', () => {
    expect(describeDatabase({ DATA_DIR: '/srv/relay' })).toBe(
      'embedded PostgreSQL in /srv/relay/pg',
    );
  });

  it('names host, port, database and user of a server, never the password', () => {
    const text = describeDatabase({
      DATA_DIR: './data',
      DATABASE_URL: 'postgres://ib:s3cret-pw@db.internal:6432/relay?sslmode=require&password=x',
    });
    expect(text).toBe('PostgreSQL db.internal:6432/relay as ib');
    expect(text).not.toContain('s3cret');
  });

  it('fills in the defaults a URL leaves out', () => {
    expect(describeDatabase({ DATA_DIR: '.', DATABASE_URL: 'postgresql://db' })).toBe(
      'PostgreSQL db:5432/(default database)',
    );
  });
});
