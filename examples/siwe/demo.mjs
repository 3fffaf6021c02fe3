// A login round against a running node (qtmd --dev):
//
//   node examples/siwe/demo.mjs [http://127.0.0.1:8545]
//
// The "server" issues a nonce and writes the EIP-4361 message for the node's first account;
// the "wallet" (the node, which holds the dev keys) signs it with personal_sign; the server
// verifies it with the SDK and with the node, then shows that a replay is refused. An
// account registers its key with its first transaction: the demo sends one if needed.
import { toChecksumAddress } from '../../sdk/js/dist/src/index.js';
import { createSiweMessage, NonceStore, signatureProblem, verifySiweLogin } from './siwe.mjs';

const rpc = process.argv[2] ?? 'http://127.0.0.1:8545';

async function call(method, params = []) {
  const response = await fetch(rpc, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  const answer = await response.json();
  if (answer.error) throw new Error(`${method}: ${answer.error.message}`);
  return answer.result;
}

// EIP-4361 wants the EIP-55 form; eth_accounts answers lower case.
const account = toChecksumAddress((await call('eth_accounts'))[0]);
const chainId = BigInt(await call('eth_chainId'));
if ((await call('qtm_getPublicKey', [account])) === null) {
  const hash = await call('eth_sendTransaction', [{ from: account, to: account, value: '0x0' }]);
  while ((await call('eth_getTransactionReceipt', [hash])) === null) await new Promise((r) => setTimeout(r, 200));
  console.log(`registered ${account}'s key with transaction ${hash}`);
}

const nonces = new NonceStore();
const domain = 'localhost:3000';
const message = createSiweMessage({
  domain,
  address: account,
  statement: 'Sign in to the demo with your QTM account.',
  uri: 'http://localhost:3000/login',
  chainId,
  nonce: nonces.issue(),
  expirationTime: new Date(Date.now() + 5 * 60_000),
});
console.log(`${message}\n`);
const signature = await call('personal_sign', [`0x${Buffer.from(message, 'utf8').toString('hex')}`, account]);
console.log(`signature: ${(signature.length - 2) / 2} bytes (scheme ${signature.slice(2, 4)})`);

// The signature alone, checked by the node (null: no problem).
console.log('qtm_verifyMessage:', (await signatureProblem({ rpc, address: account, message, signature, verifier: 'node' })) ?? 'valid');
// The whole login (domain, nonce, times, signature by the SDK with the registered key).
const check = { message, signature, rpc, domain, nonces, chainId };
const login = await verifySiweLogin({ ...check, verifier: 'sdk' });
console.log('SDK verifies:', { ok: login.ok, address: login.address, reason: login.reason });
console.log('replayed:', await verifySiweLogin({ ...check, verifier: 'sdk' }));
