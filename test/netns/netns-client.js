// One HTTP call made from inside a namespace: prints {status, body} or {error} as JSON.
// argv: method url [headers-json] [body] [timeout-ms]
const [, , method, url, headers = '{}', body = '', timeoutMs = '5000'] = process.argv;

fetch(url, {
  method,
  headers: JSON.parse(headers),
  body: body === '' ? undefined : body,
  signal: AbortSignal.timeout(Number(timeoutMs)),
}).then(
  async (response) => {
    process.stdout.write(JSON.stringify({ status: response.status, body: await response.text() }));
  },
  (error) => {
    process.stdout.write(JSON.stringify({ error: String(error.cause?.code ?? error.name) }));
  },
);
