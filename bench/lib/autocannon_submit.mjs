// Submits pre-built JSON-RPC request bodies [from, to) exactly once each over `connections`
// keep-alive connections with autocannon (tests/e2e/node_modules), one request in flight per
// connection, and resolves after the last answer. Shared by bench/rpc_sendraw.mjs and
// bench/node_tps.mjs.
//
// autocannon's `amount` gives each connection a fixed share of the requests (autocannon 9
// closes a connection right after its share is sent, so with pipelining > 1 the last answers
// would be lost: hence one request in flight per connection); setupRequest, called once per
// request, hands out the next body from a shared cursor, so each goes out exactly once.
// onSend(i) is called as body i is handed out, onAnswer(status, text) for each answer.
// Transport errors and timeouts are counted into the returned Map (what -> count).
export async function submitBodies({ autocannon, url, connections, bodies, from, to, onSend = () => {}, onAnswer }) {
  let cursor = from;
  let answers = 0;
  const transport = new Map();
  const count = (what) => transport.set(what, (transport.get(what) ?? 0) + 1);
  await new Promise((resolve, reject) => {
    autocannon({
      url, connections: Math.min(connections, to - from), pipelining: 1, amount: to - from,
      timeout: 60, sampleInt: 100, method: 'POST', headers: { 'content-type': 'application/json' },
      requests: [{
        setupRequest(request) {
          // Never past the end with `amount`; a harmless read if it ever were.
          if (cursor < to) {
            onSend(cursor);
            request.body = bodies[cursor++];
          } else {
            request.body = '{"jsonrpc":"2.0","id":-1,"method":"eth_chainId","params":[]}';
          }
          return request;
        },
        onResponse(status, text) {
          onAnswer(status, text);
          // The phase ends with its last answer (autocannon's own callback waits a tick).
          if (++answers === to - from) resolve();
        },
      }],
      setupClient(client) {
        client.on('connError', (error) => count(error.code ?? error.message));
        client.on('timeout', () => count('timeout'));
      },
    }, (error) => (error ? reject(error) : resolve()));
  });
  if (cursor !== to) throw new Error(`autocannon sent ${cursor - from} of ${to - from} requests`);
  return transport;
}
