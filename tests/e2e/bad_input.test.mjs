// Bad input over raw HTTP against a real `qtmd --dev`: every malformed request gets the
// JSON-RPC error code the node documents (docs/rpc.md) and a message that names the
// problem, and afterwards the node still answers and still produces blocks.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ethers } from 'ethers';
import { rpc, startQtmd, waitForBlock, waitForReceipt } from './lib/qtmd.mjs';

let node;
let startBlock;

before(async () => {
  node = await startQtmd();
  startBlock = BigInt(await rpc(node.http, 'eth_blockNumber'));
});

after(async () => {
  await node?.stop();
});

// POSTs `body` (a string, sent as is) and returns { status, json }.
async function post(body) {
  const response = await fetch(node.http, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  const text = await response.text();
  return { status: response.status, json: text === '' ? null : JSON.parse(text) };
}

const call = (method, params, id = 1) => JSON.stringify({ jsonrpc: '2.0', id, method, params });

// Asserts that `answer` is a JSON-RPC error with `code` whose message matches `pattern`.
function assertError(answer, code, pattern, id = 1) {
  assert.ok(answer?.error, `expected an error, got ${JSON.stringify(answer)}`);
  assert.equal(answer.jsonrpc, '2.0');
  assert.equal(answer.error.code, code, JSON.stringify(answer.error));
  assert.match(answer.error.message, pattern);
  assert.equal(answer.id, id);
  assert.equal(answer.result, undefined);
}

async function expectError(method, params, code, pattern) {
  const { status, json } = await post(call(method, params));
  assert.equal(status, 200);
  assertError(json, code, pattern);
}

test('malformed JSON: -32700 parse error', async () => {
  for (const body of ['{"jsonrpc":"2.0","id":1,', '{not json}', '', '[{"jsonrpc":"2.0"']) {
    const { status, json } = await post(body);
    assert.equal(status, 200);
    assertError(json, -32700, /^parse error/, null);
  }
});

test('invalid UTF-8 bytes: -32700, and the node lives on', async () => {
  // These once killed qtmd: the parser quotes the bad byte back and serializing that threw.
  const bodies = [
    Uint8Array.from([0xff, 0xfe]),
    Uint8Array.from([0x5b, 0x22, 0xc3]),
    Buffer.concat([Buffer.from('{"jsonrpc":"2.0","id":1,"method":"'), Buffer.from([0xff]), Buffer.from('"}')]),
  ];
  for (const body of bodies) {
    const { status, json } = await post(body);
    assert.equal(status, 200);
    assertError(json, -32700, /^parse error/, null);
  }
  assert.match(await rpc(node.http, 'eth_blockNumber'), /^0x[0-9a-f]+$/);
});

test('not a request object, empty batch, bad envelope: -32600', async () => {
  for (const body of ['42', '"eth_blockNumber"', 'null', 'true']) {
    assertError((await post(body)).json, -32600, /invalid request: not an object/, null);
  }
  assertError((await post('[]')).json, -32600, /empty batch/, null);
  // In a batch, each bad element gets its own error; good ones still get answers.
  const { json: batch } = await post(`[1, ${call('eth_chainId', [], 7)}, "x"]`);
  assert.equal(batch.length, 3);
  assertError(batch[0], -32600, /not an object/, null);
  assert.deepEqual(batch[1], { jsonrpc: '2.0', id: 7, result: '0x1cbd' });
  assertError(batch[2], -32600, /not an object/, null);
  assertError((await post('{"id":1,"method":"eth_chainId"}')).json, -32600, /"jsonrpc" must be "2.0"/);
  assertError((await post('{"jsonrpc":"1.0","id":1,"method":"eth_chainId"}')).json, -32600, /"jsonrpc" must be "2.0"/);
  assertError((await post('{"jsonrpc":"2.0","id":1,"method":42}')).json, -32600, /"method" must be a string/);
  assertError((await post('{"jsonrpc":"2.0","id":{"a":1},"method":"eth_chainId"}')).json, -32600,
    /id must be a string, a number or null/, null);
});

test('unknown method: -32601 naming it', async () => {
  await expectError('eth_doesNotExist', [], -32601, /the method eth_doesNotExist does not exist\/is not available/);
  await expectError('', [], -32601, /the method {2}does not exist/);
  // A notification (no id) of an unknown method gets no answer at all.
  const { status, json } = await post('{"jsonrpc":"2.0","method":"eth_doesNotExist"}');
  assert.equal(status, 200);
  assert.equal(json, null);
});

test('wrong parameter types and counts: -32602 naming the parameter', async () => {
  const dev = node.accounts[0].address;
  await expectError('eth_getBalance', [42], -32602, /invalid argument address: expected a 0x-prefixed hex string/);
  await expectError('eth_getBalance', [], -32602, /missing value for required argument 0 \(address\)/);
  await expectError('eth_getBalance', [dev, 'latest', 'extra'], -32602, /too many arguments, want at most 2/);
  await expectError('eth_getBalance', [dev, 'newest'], -32602, /invalid argument block: hex string without 0x prefix/);
  await expectError('eth_getBlockByNumber', ['latest', 'yes'], -32602, /invalid argument fullTransactions: expected true or false/);
  await expectError('eth_getBlockByNumber', [{}, false], -32602, /invalid argument block: expected blockHash or blockNumber/);
  await expectError('eth_getTransactionByHash', ['0x1234'], -32602, /invalid argument hash: expected a 32-byte 0x-hex hash/);
  await expectError('eth_getTransactionReceipt', [123], -32602, /invalid argument hash/);
  await expectError('eth_call', ['0x00'], -32602, /invalid argument 0: expected a transaction object/);
  await expectError('eth_call', [{ to: dev, gas: 21000 }], -32602, /invalid argument gas: expected a 0x-prefixed hex string/);
  await expectError('eth_call', [{ to: dev, data: '0x01', input: '0x02' }], -32602, /both "data" and "input" are set/);
  await expectError('eth_getLogs', ['0x1'], -32602, /invalid argument filter: expected an object/);
  await expectError('eth_getLogs', [{ topics: [null, null, null, null, null] }], -32602, /at most 4 positions/);
  // params must be an array (positional).
  const { json } = await post('{"jsonrpc":"2.0","id":1,"method":"eth_getBalance","params":{"address":"0x00"}}');
  assertError(json, -32602, /expected an array of positional parameters/);
});

test('invalid hex: odd length, non-hex characters, missing 0x, leading zeros, too large', async () => {
  const dev = node.accounts[0].address;
  await expectError('web3_sha3', ['0x123'], -32602, /invalid argument data: hex string of odd length/);
  await expectError('web3_sha3', ['0xzz'], -32602, /invalid argument data: invalid hex character/);
  await expectError('web3_sha3', ['abcd'], -32602, /invalid argument data: hex string without 0x prefix/);
  await expectError('eth_getBalance', [dev.slice(2)], -32602, /invalid argument address: expected a 20-byte 0x-hex address/);
  await expectError('eth_getBalance', [dev.slice(0, 41)], -32602, /invalid argument address: expected a 20-byte 0x-hex address/);
  await expectError('eth_getBalance', [`0x${'g'.repeat(40)}`], -32602, /invalid argument address/);
  await expectError('eth_getBlockByNumber', ['0x01', false], -32602, /invalid argument block: hex number with leading zero digits/);
  await expectError('eth_getBlockByNumber', ['0xfoo', false], -32602, /invalid argument block: invalid hex number/);
  await expectError('eth_getBlockByNumber', ['12', false], -32602, /invalid argument block: hex string without 0x prefix/);
  await expectError('eth_getBlockByNumber', [`0x1${'0'.repeat(16)}`, false], -32602, /invalid argument block: hex number > 64 bits/);
  await expectError('eth_call', [{ to: dev, value: `0x1${'0'.repeat(64)}` }], -32602, /invalid argument value: hex number > 256 bits/);
  await expectError('eth_sendRawTransaction', ['0x51c'], -32602, /invalid argument transaction: hex string of odd length/);
  // Web3 quirk accepted by the node: web3_sha3 of the empty string.
  assert.equal(await rpc(node.http, 'web3_sha3', ['0x']), ethers.keccak256('0x'));
});

test('oversized body (> 5 MiB): HTTP 413 with a -32005 error', async () => {
  const padding = ' '.repeat(5 * 1024 * 1024 + 1);
  const { status, json } = await post(call('eth_chainId', []) + padding);
  assert.equal(status, 413);
  assertError(json, -32005, /request body too large: the limit is 5242880 bytes/, null);
  // Just under the limit is answered.
  const fits = await post(call('eth_chainId', []) + ' '.repeat(5 * 1024 * 1024 - 200));
  assert.equal(fits.status, 200);
  assert.equal(fits.json.result, '0x1cbd');
});

test('oversized batch (> 1000 calls): -32005; 1000 calls are answered', async () => {
  const batch = (n) => `[${Array.from({ length: n }, (_, i) => call('eth_chainId', [], i)).join(',')}]`;
  const { json } = await post(batch(1001));
  assertError(json, -32005, /batch too large: 1001 requests, the limit is 1000/, null);
  const { json: answers } = await post(batch(1000));
  assert.equal(answers.length, 1000);
  assert.ok(answers.every((a, i) => a.id === i && a.result === '0x1cbd'));
});

test('eth_getLogs ranges: huge ranges refused with -32005, inverted ones with -32602', async () => {
  // The 10,000-block limit applies to the range asked for, even on this young chain.
  await expectError('eth_getLogs', [{ fromBlock: '0x0', toBlock: '0xffffffffffff' }],
    -32005, /query exceeds max block range 10000/);
  await expectError('eth_getLogs', [{ fromBlock: '0x0', toBlock: '0x2710' }],
    -32005, /query exceeds max block range 10000/);
  // 10,000 blocks exactly are answered.
  assert.ok(Array.isArray(await rpc(node.http, 'eth_getLogs', [{ fromBlock: '0x0', toBlock: '0x270f' }])));
  await waitForBlock(node.http, 3n);
  await expectError('eth_getLogs', [{ fromBlock: '0x2', toBlock: '0x1' }], -32602, /invalid block range params/);
  await expectError('eth_getLogs', [{ blockHash: `0x${'11'.repeat(32)}` }],
    -32000, /unknown block/);
  await expectError('eth_getLogs', [{ blockHash: `0x${'11'.repeat(32)}`, fromBlock: '0x1' }],
    -32602, /cannot specify both blockHash and fromBlock\/toBlock/);
  // A fromBlock beyond the head: nothing yet up to a later toBlock; an inverted range up to
  // the head (toBlock defaults to latest).
  assert.deepEqual(await rpc(node.http, 'eth_getLogs', [{ fromBlock: '0xffffffff', toBlock: '0x100000000' }]), []);
  await expectError('eth_getLogs', [{ fromBlock: '0xffffffff' }], -32602, /invalid block range params/);
});

// A valid QTM transaction signed by the node (eth_signTransaction) for the tests to break.
async function signedTransfer(from, nonce) {
  const signed = await rpc(node.http, 'eth_signTransaction', [{
    from, to: '0x000000000000000000000000000000000000bEEF', value: '0x1', nonce: ethers.toQuantity(nonce),
  }]);
  assert.match(signed.raw, /^0x51/);
  const fields = ethers.decodeRlp(`0x${signed.raw.slice(4)}`);
  assert.equal(fields.length, 13);
  const encode = (f) => `0x51${ethers.encodeRlp(f).slice(2)}`;
  assert.equal(encode(fields), signed.raw, 'the fields re-encode to the same bytes');
  return { ...signed, fields, encode };
}

test('eth_sendRawTransaction: unsigned, wrongly signed, foreign sender, legacy Ethereum types', async () => {
  const sender = node.accounts[8].address;
  const { fields, encode } = await signedTransfer(sender, 0);
  const SIG = 12;
  const KEY = 11;
  assert.equal(ethers.dataLength(fields[SIG]), 2420, 'ML-DSA-44 signature');
  assert.equal(ethers.dataLength(fields[KEY]), 1312, 'first transaction: the key travels');

  // Unsigned: no signature at all.
  await expectError('eth_sendRawTransaction', [encode(fields.with(SIG, '0x'))], -32000,
    /signature length does not match the signature scheme/);
  // A signature of the right length that is all zeros, and one with a flipped bit.
  await expectError('eth_sendRawTransaction', [encode(fields.with(SIG, ethers.hexlify(new Uint8Array(2420))))],
    -32000, /invalid signature/);
  const flipped = ethers.getBytes(fields[SIG]);
  flipped[100] ^= 0x01;
  await expectError('eth_sendRawTransaction', [encode(fields.with(SIG, ethers.hexlify(flipped)))], -32000,
    /invalid signature/);
  // A changed value: the signature no longer covers the transaction.
  await expectError('eth_sendRawTransaction', [encode(fields.with(7, '0x02'))], -32000, /invalid signature/);
  // Signed by account 8 but claiming to be from account 0: the key does not derive `from`.
  await expectError('eth_sendRawTransaction', [encode(fields.with(5, node.accounts[0].address.toLowerCase()))],
    -32000, /invalid sender: public key does not derive the from address/);
  // No key carried, none registered yet.
  await expectError('eth_sendRawTransaction', [encode(fields.with(KEY, '0x'))], -32000,
    /invalid sender: no public key registered; the first transaction of an account must carry its public key/);
  // A wrong key length and an unknown scheme.
  await expectError('eth_sendRawTransaction', [encode(fields.with(KEY, '0x1234'))], -32000,
    /public key length does not match the signature scheme/);
  await expectError('eth_sendRawTransaction', [encode(fields.with(10, '0x09'))], -32000, /unknown signature scheme id/);
  // Truncated and empty encodings.
  await expectError('eth_sendRawTransaction', ['0x51c0'], -32000, /rlp: malformed QTM transaction/);
  await expectError('eth_sendRawTransaction', ['0x'], -32000, /empty transaction/);

  // Ethereum transactions, properly signed with secp256k1: legacy, EIP-2930 and EIP-1559.
  const wallet = ethers.Wallet.createRandom();
  const base = { to: wallet.address, value: 1n, nonce: 0, gasLimit: 21000n, chainId: 7357n };
  for (const tx of [
    { ...base, type: 0, gasPrice: 10n ** 9n },
    { ...base, type: 1, gasPrice: 10n ** 9n },
    { ...base, type: 2, maxFeePerGas: 10n ** 10n, maxPriorityFeePerGas: 10n ** 9n },
  ]) {
    await expectError('eth_sendRawTransaction', [await wallet.signTransaction(tx)], -32000,
      /transaction type not supported \(QTM accepts only type 0x51 transactions, signed with ML-DSA\)/);
  }

  // None of the above touched the account: the untouched original is still accepted.
  const { raw, hash } = await signedTransfer(sender, 0);
  assert.equal(await rpc(node.http, 'eth_sendRawTransaction', [raw]), hash);
  await expectError('eth_sendRawTransaction', [raw], -32000, /already known/);
  const receipt = await waitForReceipt(node.http, hash);
  assert.equal(receipt.status, '0x1');
  await expectError('eth_sendRawTransaction', [raw], -32000, /nonce too low/);
});

test('after all of that the node still answers and produces blocks', async () => {
  const now = BigInt(await rpc(node.http, 'eth_blockNumber'));
  await waitForBlock(node.http, now + 2n, 15_000);
  assert.ok(now > startBlock, `head ${now} after starting at ${startBlock}`);
  assert.equal(await rpc(node.http, 'eth_chainId'), '0x1cbd');
  const block = await rpc(node.http, 'eth_getBlockByNumber', ['latest', true]);
  assert.ok(BigInt(block.number) >= now + 2n);
});
