import { mkdir, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Client } from 'pg';
import { EmbeddedPostgres } from '../shared/database/embedded/embedded-postgres';

const PRODUCTS = [
  { id: 1, name: 'Valve DN50', stock: 120, price: 38.5 },
  { id: 2, name: 'Pump P-200', stock: 8, price: 1290 },
  { id: 3, name: 'Sensor T-7', stock: 56, price: 74.9 },
];

const SAMPLE_SCHEMA = `
  create table if not exists customers (id int primary key, name text not null, city text not null);
  create table if not exists orders (
    id int primary key, customer_id int not null references customers(id),
    total numeric(10,2) not null, placed_at timestamptz not null);
  insert into customers values (1, 'Acme GmbH', 'Berlin'), (2, 'Globex Ltd', 'Leeds'),
    (3, 'Initech SA', 'Lyon') on conflict do nothing;
  insert into orders
    select i, 1 + i % 3, round((10 + (i * 37) % 900)::numeric, 2),
           timestamptz '2026-01-01' + i * interval '9 hours'
    from generate_series(1, 500) as i
  on conflict do nothing;
`;

/** The intranet the demo bridges to: an HTTP API, a PostgreSQL database and a directory. */
export class SampleIntranet {
  httpUrl = '';
  databaseUrl = '';
  filesDir = '';
  private http?: Server;
  private db?: EmbeddedPostgres;

  constructor(private readonly dataDir: string) {}

  async start(): Promise<void> {
    await this.startHttp();
    await this.startDatabase();
    await this.writeFiles();
  }

  async stop(): Promise<void> {
    this.http?.closeAllConnections();
    await new Promise((resolve) => this.http?.close(resolve));
    await this.db?.stop();
  }

  private async startHttp(): Promise<void> {
    this.http = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://shop');
      const match = /^\/api\/products(?:\/(\d+))?$/.exec(url.pathname);
      if (!match || req.method !== 'GET') {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
        return;
      }
      const body = match[1] ? PRODUCTS.find((p) => p.id === Number(match[1])) : PRODUCTS;
      res.writeHead(body ? 200 : 404, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body ?? { error: 'not found' }));
    });
    await new Promise<void>((resolve) => this.http!.listen(0, '127.0.0.1', resolve));
    this.httpUrl = `http://127.0.0.1:${(this.http.address() as AddressInfo).port}`;
  }

  /** A PostgreSQL server of its own on loopback, like one on the intranet (trust auth: sample data only). */
  private async startDatabase(): Promise<void> {
    this.db = new EmbeddedPostgres({
      dataDir: join(this.dataDir, 'sample-pg'),
      role: 'demo sample database',
      tcp: { host: '127.0.0.1', port: 0 },
    });
    const { port } = await this.db.start();
    this.databaseUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
    const client = new Client({ connectionString: this.databaseUrl });
    await client.connect();
    try {
      await client.query(SAMPLE_SCHEMA);
    } finally {
      await client.end();
    }
  }

  private async writeFiles(): Promise<void> {
    this.filesDir = join(this.dataDir, 'files');
    await mkdir(this.filesDir, { recursive: true });
    await writeFile(
      join(this.filesDir, 'report.csv'),
      'month,orders,revenue\n2026-01,163,81234.50\n2026-02,151,77410.25\n2026-03,186,92876.00\n',
    );
    await writeFile(join(this.filesDir, 'readme.txt'), 'Monthly reports exported by the ERP.\n');
  }
}

/** The agent datasources that expose the sample intranet. */
export function sampleDatasources(intranet: SampleIntranet): object[] {
  return [
    {
      name: 'shop',
      type: 'http',
      description: 'Product catalogue API',
      http: { baseUrl: intranet.httpUrl, allowedMethods: ['GET'], allowedPathPrefixes: ['/api/'] },
    },
    {
      name: 'sales',
      type: 'postgres',
      description: 'Sales database (read-only named queries)',
      postgres: {
        url: intranet.databaseUrl,
        queries: [
          {
            name: 'orders_by_customer',
            sql: 'select id, total, placed_at from orders where customer_id = $1 order by id limit 20',
            params: [{ name: 'customerId', type: 'integer', required: true, min: 1 }],
            maxRows: 1000,
            timeoutMs: 5000,
          },
          {
            name: 'customers',
            sql: 'select id, name, city from customers order by id',
            params: [],
            maxRows: 1000,
            timeoutMs: 5000,
          },
        ],
      },
    },
    {
      name: 'reports',
      type: 'file',
      description: 'Exported reports',
      file: { root: intranet.filesDir },
    },
  ];
}
