#!/usr/bin/env node
// eth_sendRawTransaction acceptance rate of a running qtmd (bench/rpc_bench.sh runs it).
//
//   node bench/rpc_sendraw.mjs --url http://127.0.0.1:8545 [--txs 2000] [--senders 100]
//                              [--concurrency 32] [--funder-count 10] [--strict]
//
// 1. Creates --senders fresh ML-DSA-44 accounts (random seeds, QTM SDK) and funds each from
//    the dev accounts (eth_sendTransaction, node-side signing), then waits for the funding.
// 2. Pre-signs --txs value transfers with the SDK (sdk/js/dist): --txs / --senders per
//    sender with sequential nonces; each sender's first carries its public key. The pool
//    keeps any number of pending transactions per sender while it has room (docs/txpool.md:
//    16 per sender are protected from eviction, 5,120 slots and 64 MiB in all).
// 3. Submits them as fast as it can over --concurrency concurrent keep-alive connections,
//    nonce-major (every sender's nonce n before any sender's n+1), and counts what the node
//    accepted (a hash back) and rejected (grouped by the node's error message).
// 4. Waits until every accepted transaction is in a block and reports how long that took.
// Prints a markdown table and one JSON line (prefix "json: "). Exits 1 when nothing was
// accepted, or with --strict when anything was rejected or not mined within 300 s.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const here = path.dirname(fileURLToPath(import.meta.url));
const sdkEntry = path.resolve(here, '../sdk/js/dist/src/index.js');

const { values: args } = parseArgs({
  options: {
    url: { type: 'string' },
    txs: { type: 'string', default: '2000' },
    senders: { type: 'string', default: '100' },
    concurrency: { type: 'string', default: '32' },
    'funder-count': { type: 'string', default: '10' },
    strict: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (args.help || !args.url) {
  console.log('usage: node bench/rpc_sendraw.mjs --url URL [--txs 2000] [--senders 100] [--concurrency 32] [--funder-count 10] [--strict]');
  process.exit(args.help ? 0 : 2);
}
if (!existsSync(sdkEntry)) {
  console.error(`rpc_sendraw: ${sdkEntry} is missing: build the SDK first (cd sdk/js && npm ci && npm run build)`);
  process.exit(2);
}
const { QtmKey, signTransaction } = await import(pathToFileURL(sdkEntry).href);

const url = args.url;
const totalTxs = Number(args.txs);
const senderCount = Number(args.senders);
const concurrency = Number(args.concurrency);
const perSender = Math.ceil(totalTxs / senderCount);

let nextId = 1;
async function rpc(method, params = []) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: nextId++, method, params }),
  });
  const body = await response.json();
  if (body.error) throw new Error(`${method}: ${body.error.message} (${body.error.code})`);
  return body.result;
}
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const hex = (n) => `0x${BigInt(n).toString(16)}`;
const seconds = (ms) => (ms / 1000).toFixed(2);

// ---- 1. fund fresh senders
const chainId = BigInt(await rpc('eth_chainId'));
const funders = (await rpc('eth_accounts')).slice(0, Number(args['funder-count']));
const senders = Array.from({ length: senderCount }, () => QtmKey.random());
const latest = await rpc('eth_getBlockByNumber', ['latest', false]);
// Fee cap far above the base fee, so that a rising base fee under load never strands a
// transaction; the tip is the node's default.
const tip = 1_000_000_000n;
const maxFee = BigInt(latest.baseFeePerGas) * 8n + 10n * tip;
const value = 1n;
const FIRST_GAS = 21_000n + 4_500n + 20_000n + 16n * 1312n; // carries the ML-DSA-44 key
const LATER_GAS = 21_000n + 4_500n;
const funding = (FIRST_GAS + LATER_GAS * BigInt(perSender)) * maxFee + value * BigInt(perSender);

const fundStart = Date.now();
const fundHashes = [];
await Promise.all(funders.map(async (funder, f) => {
  for (let i = f; i < senders.length; i += funders.length) {
    fundHashes.push(await rpc('eth_sendTransaction', [{ from: funder, to: senders[i].address, value: hex(funding) }]));
  }
}));
for (const hash of fundHashes) {
  for (;;) {
    const receipt = await rpc('eth_getTransactionReceipt', [hash]);
    if (receipt) {
      if (receipt.status !== '0x1') throw new Error(`funding ${hash} failed`);
      break;
    }
    await sleep(200);
  }
}
const fundMs = Date.now() - fundStart;

// ---- 2. pre-sign, nonce-major
const signStart = Date.now();
const signed = [];
for (let nonce = 0; nonce < perSender && signed.length < totalTxs; ++nonce) {
  for (const key of senders) {
    if (signed.length >= totalTxs) break;
    const tx = signTransaction({
      chainId, nonce: BigInt(nonce), maxPriorityFeePerGas: tip, maxFeePerGas: maxFee,
      gasLimit: nonce === 0 ? FIRST_GAS : LATER_GAS, to: funders[0], value, data: '0x', accessList: [],
    }, key, { includeKey: nonce === 0 });
    signed.push(tx);
  }
}
const signMs = Date.now() - signStart;
const bytes = signed.reduce((sum, tx) => sum + (tx.raw.length - 2) / 2, 0);

// ---- 3. submit
const startBlock = BigInt(await rpc('eth_blockNumber'));
let accepted = 0;
const rejected = new Map();
let next = 0;
const body = (raw, id) => JSON.stringify({ jsonrpc: '2.0', id, method: 'eth_sendRawTransaction', params: [raw] });
const submitStart = performance.now();
await Promise.all(Array.from({ length: concurrency }, async () => {
  while (next < signed.length) {
    const i = next++;
    let reason = null;
    try {
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body(signed[i].raw, i) });
      const answer = await response.json();
      if (response.status !== 200) reason = `HTTP ${response.status}`;
      else if (answer.error) reason = `${answer.error.message} (${answer.error.code})`;
      else if (answer.result?.toLowerCase() !== signed[i].hash.toLowerCase()) reason = 'unexpected hash';
    } catch (error) {
      reason = `transport: ${error.cause?.code ?? error.message}`;
    }
    if (reason == null) accepted++;
    else rejected.set(reason, (rejected.get(reason) ?? 0) + 1);
  }
}));
const submitMs = performance.now() - submitStart;

// ---- 4. wait for inclusion
const includeStart = Date.now();
let included = false;
const deadline = Date.now() + 300_000;
while (Date.now() < deadline) {
  const status = await rpc('txpool_status');
  if (BigInt(status.pending) === 0n && BigInt(status.queued) === 0n) {
    included = true;
    break;
  }
  await sleep(250);
}
const includeMs = Date.now() - includeStart + submitMs;
const endBlock = BigInt(await rpc('eth_blockNumber'));
let minedTxs = 0;
let fullest = { number: 0n, count: 0 };
for (let n = startBlock + 1n; n <= endBlock; ++n) {
  const block = await rpc('eth_getBlockByNumber', [hex(n), false]);
  minedTxs += block.transactions.length;
  if (block.transactions.length > fullest.count) fullest = { number: n, count: block.transactions.length };
}

const rate = accepted / (submitMs / 1000);
const rejectedCount = [...rejected.values()].reduce((a, b) => a + b, 0);
console.log(`senders ${senderCount} fresh ML-DSA-44 accounts, funded in ${seconds(fundMs)} s; ` +
  `${signed.length} transfers pre-signed with the SDK in ${seconds(signMs)} s ` +
  `(${(bytes / signed.length).toFixed(0)} B each on average); ${concurrency} concurrent connections`);
console.log('');
console.log('| submitted | accepted | rejected | submit time s | accepted tx/s | all mined after s | blocks | txs mined | fullest block |');
console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
console.log(`| ${signed.length} | ${accepted} | ${rejectedCount} | ${seconds(submitMs)} | ${rate.toFixed(0)} | ` +
  `${included ? seconds(includeMs) : 'not within 300 s'} | ${endBlock - startBlock} | ${minedTxs} | ` +
  `${fullest.count} txs (block ${fullest.number}) |`);
if (rejectedCount > 0) {
  console.log('');
  console.log('Rejected:');
  for (const [reason, count] of [...rejected].sort((a, b) => b[1] - a[1])) console.log(`- ${count} × ${reason}`);
}
console.log(`json: ${JSON.stringify({
  submitted: signed.length, accepted, rejected: Object.fromEntries(rejected), submitSeconds: submitMs / 1000,
  acceptedPerSecond: rate, allMinedSeconds: included ? includeMs / 1000 : null, blocks: Number(endBlock - startBlock),
  minedTxs, fullestBlock: { number: Number(fullest.number), transactions: fullest.count },
})}`);
if (accepted === 0 || (args.strict && (rejectedCount > 0 || !included))) process.exit(1);
