// Runs an in-memory PGlite behind a TCP socket on loopback, standing in for an intranet
// PostgreSQL in its own process (PGlite blocks its event loop while a query runs). Prints
// the port on stdout, then serves until killed.
const { PGlite } = require('@electric-sql/pglite');
const { PGLiteSocketServer } = require('@electric-sql/pglite-socket');

(async () => {
  const db = await PGlite.create();
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0 });
  await server.start();
  process.stdout.write(`${server.getServerConn().split(':').pop()}\n`);
})().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
