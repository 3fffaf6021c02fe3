#!/usr/bin/env node
// eth_sendRawTransaction acceptance rate of a running qtmd (bench/rpc_bench.sh runs it).
//
//   node bench/rpc_sendraw.mjs --url http://127.0.0.1:8545 [--txs 2000] [--senders 100]
//                              [--concurrency 32] [--client autocannon|workers|fetch]
//                              [--workers 2] [--funder-count 10] [--strict]
//
// 1. Creates --senders fresh ML-DSA-44 accounts (random seeds, QTM SDK) and funds each from
//    the dev accounts (eth_sendTransaction, node-side signing), then waits for the funding.
// 2. Pre-signs --txs value transfers with the SDK (sdk/js/dist): --txs / --senders per
//    sender with sequential nonces; each sender's first carries its public key. The pool
//    keeps any number of pending transactions per sender while it has room (docs/txpool.md:
//    16 per sender are protected from eviction, 5,120 slots and 64 MiB in all).
// 3. Submits every one exactly once, as fast as the client can, over --concurrency
//    keep-alive connections, and checks every answer: accepted (its hash back) or rejected
//    (grouped by the node's error message; no answer at all counts as rejected too).
//    --client autocannon (default): autocannon (tests/e2e/node_modules) with one
//      pre-built body per request handed out by setupRequest from a shared cursor in
//      nonce-major order (every sender's nonce n before any sender's n+1), one request in
//      flight per connection;
//    --client workers: --workers worker threads, each with a disjoint set of senders
//      (sender s goes to worker s % W), submitting its slice nonce-major with fetch over
//      --concurrency / W connections;
//    --client fetch: the same fetch loop in the main thread (the old client).
//    With more than one request in flight a sender's nonce n+1 can reach the node before
//    its nonce n; the pool queues it as a future nonce until n arrives.
//    The client's CPU time over the submission (process.cpuUsage, all threads) is reported
//    in cores, so a reader can tell whether the client, not the node, was the limit.
// 4. Waits until every accepted transaction is in a block and reports how long that took.
// Prints a markdown table and one JSON line (prefix "json: "). Exits 1 when nothing was
// accepted, or with --strict when anything was rejected or not mined within 300 s.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { submitBodies } from './lib/autocannon_submit.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const sdkEntry = path.resolve(here, '../sdk/js/dist/src/index.js');

const { values: args } = parseArgs({
  options: {
    url: { type: 'string' },
    txs: { type: 'string', default: '2000' },
    senders: { type: 'string', default: '100' },
    concurrency: { type: 'string', default: '32' },
    client: { type: 'string', default: 'autocannon' },
    workers: { type: 'string', default: '2' },
    'funder-count': { type: 'string', default: '10' },
    strict: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (args.help || !args.url) {
  console.log('usage: node bench/rpc_sendraw.mjs --url URL [--txs 2000] [--senders 100] [--concurrency 32] ' +
    '[--client autocannon|workers|fetch] [--workers 2] [--funder-count 10] [--strict]');
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
const client = args.client;
const workerCount = client === 'workers' ? Math.max(1, Math.min(Number(args.workers), concurrency)) : 1;
if (!['autocannon', 'workers', 'fetch'].includes(client)) {
  console.error(`rpc_sendraw: unknown --client ${client} (autocannon, workers or fetch)`);
  process.exit(2);
}
let autocannon = null;
if (client === 'autocannon') {
  const e2eRequire = createRequire(path.resolve(here, '../tests/e2e/package.json'));
  autocannon = e2eRequire('autocannon');
}
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
  for (let s = 0; s < senders.length; ++s) {
    const key = senders[s];
    if (signed.length >= totalTxs) break;
    const tx = signTransaction({
      chainId, nonce: BigInt(nonce), maxPriorityFeePerGas: tip, maxFeePerGas: maxFee,
      gasLimit: nonce === 0 ? FIRST_GAS : LATER_GAS, to: funders[0], value, data: '0x', accessList: [],
    }, key, { includeKey: nonce === 0 });
    signed.push({ raw: tx.raw, hash: tx.hash.toLowerCase(), sender: s });
  }
}
const signMs = Date.now() - signStart;
const bytes = signed.reduce((sum, tx) => sum + (tx.raw.length - 2) / 2, 0);

// ---- 3. submit
const body = (raw, id) => JSON.stringify({ jsonrpc: '2.0', id, method: 'eth_sendRawTransaction', params: [raw] });
function reject(reason, count = 1) {
  tally.rejected.set(reason, (tally.rejected.get(reason) ?? 0) + count);
}
// One answer (HTTP status and body text) for the request with id i.
function check(status, text) {
  tally.lastAnswer = performance.now();
  tally.lastCpu = process.cpuUsage();
  let answer;
  try {
    answer = JSON.parse(text);
  } catch {
    return reject(`HTTP ${status}, not JSON`);
  }
  const i = answer.id;
  if (!Number.isInteger(i) || i < 0 || i >= signed.length || tally.answered[i]) {
    return reject(`HTTP ${status}, unexpected id ${JSON.stringify(i)}`);
  }
  tally.answered[i] = 1;
  if (status !== 200) reject(`HTTP ${status}`);
  else if (answer.error) reject(`${answer.error.message} (${answer.error.code})`);
  else if (typeof answer.result !== 'string' || answer.result.toLowerCase() !== signed[i].hash) reject('unexpected hash');
  else tally.accepted++;
}

// Two phases: every sender's first transaction (the one carrying its public key: indices
// [0, firstCount) in nonce-major order) is answered before any later one is sent, since the
// node rejects a transaction whose sender's key it does not know yet (a later nonce racing
// its sender's first over another connection would be rejected, and every nonce after it
// would then wait in the pool forever). Within the second phase, order across connections is
// not guaranteed: the pool queues a nonce that arrives before its predecessor.
const firstCount = Math.min(senderCount, signed.length);
const phases = [[0, firstCount], [firstCount, signed.length]].filter(([from, to]) => to > from);

async function submitAutocannon(from, to) {
  const transport = await submitBodies({ autocannon, url, connections: concurrency, bodies, from, to, onAnswer: check });
  for (const [what, count] of transport) console.error(`rpc_sendraw: autocannon ${what} × ${count}`);
}

// fetch loop over `concurrency` connections for the items [{ i, body }] of each phase in
// order, one phase after the other; runs in the main thread (--client fetch) or in a worker
// thread (--client workers, as source text).
async function fetchLoop(url, phaseItems, concurrency, onAnswer) {
  for (const items of phaseItems) {
    let next = 0;
    await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const { i, body } = items[next++];
        try {
          const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
          onAnswer(i, response.status, await response.text(), null);
        } catch (error) {
          onAnswer(i, 0, '', `transport: ${error.cause?.code ?? error.message}`);
        }
      }
    }));
  }
}

const onAnswer = (i, status, text, failure) => {
  if (!failure) return check(status, text);
  tally.answered[i] = 1;
  tally.lastAnswer = performance.now();
  tally.lastCpu = process.cpuUsage();
  reject(failure);
};
// The worker threads, started and ready (before the clock starts).
async function startWorkers() {
  const workerSource = `
    const { parentPort, workerData } = require('node:worker_threads');
    const fetchLoop = ${fetchLoop.toString()};
    parentPort.once('message', async () => {
      const answers = [];
      await fetchLoop(workerData.url, workerData.items, workerData.concurrency,
        (i, status, text, failure) => answers.push([i, status, text, failure]));
      parentPort.postMessage(answers);
    });
    parentPort.postMessage('ready');`;
  const workers = Array.from({ length: workerCount }, (_, w) => {
    const items = phases.map(([from, to]) => signed.slice(from, to).flatMap((tx, k) =>
      (tx.sender % workerCount === w ? [{ i: from + k, body: body(tx.raw, from + k) }] : [])));
    const per = Math.floor(concurrency / workerCount) + (w < concurrency % workerCount ? 1 : 0);
    return new Worker(workerSource, { eval: true, workerData: { url, items, concurrency: per } });
  });
  await Promise.all(workers.map((worker) => new Promise((resolve) => worker.once('message', resolve))));
  return workers;
}
async function submitWorkers(workers) {
  await Promise.all(workers.map((worker) => new Promise((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', (answers) => {
      for (const [i, status, text, failure] of answers) onAnswer(i, status, text, failure);
      worker.terminate().then(resolve, reject);
    });
    worker.postMessage('go');
  })));
}

// Each transaction is sent exactly once; the request id is its index in `signed`, so every
// answer is matched to its transaction by id and checked (a hash equal to the
// transaction's, else the node's error message).
const bodies = signed.map((tx, i) => Buffer.from(body(tx.raw, i)));
const startBlock = BigInt(await rpc('eth_blockNumber'));
const tally = { accepted: 0, rejected: new Map(), answered: new Uint8Array(signed.length) };
const workers = client === 'workers' ? await startWorkers() : null;
const submitStart = performance.now();
const cpuStart = process.cpuUsage();
if (client === 'autocannon') for (const [from, to] of phases) await submitAutocannon(from, to);
else if (client === 'workers') await submitWorkers(workers);
else await fetchLoop(url, phases.map(([from, to]) => bodies.slice(from, to).map((b, k) => ({ i: from + k, body: b }))), concurrency, onAnswer);
// The window ends with the last answer.
const submitMs = (tally.lastAnswer ?? performance.now()) - submitStart;
const cpu = process.cpuUsage(cpuStart);
if (tally.lastCpu) (cpu.user = tally.lastCpu.user - cpuStart.user), (cpu.system = tally.lastCpu.system - cpuStart.system);
const clientCpu = (cpu.user + cpu.system) / 1000 / submitMs; // cores the client kept busy
const unanswered = signed.length - tally.answered.reduce((a, b) => a + b, 0);
if (unanswered > 0) reject('no answer (connection error or timeout)', unanswered);
const accepted = tally.accepted;
const rejected = tally.rejected;

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
const clientLabel = client === 'autocannon' ? `autocannon over ${Math.min(concurrency, signed.length)} connections`
  : client === 'workers' ? `${workerCount} worker threads with fetch over ${concurrency} connections in all`
  : `fetch over ${concurrency} connections`;
const rejectedCount = [...rejected.values()].reduce((a, b) => a + b, 0);
console.log(`senders ${senderCount} fresh ML-DSA-44 accounts, funded in ${seconds(fundMs)} s; ` +
  `${signed.length} transfers pre-signed with the SDK in ${seconds(signMs)} s ` +
  `(${(bytes / signed.length).toFixed(0)} B each on average); submitted by ${clientLabel}`);
console.log('');
console.log('| submitted | accepted | rejected | submit time s | accepted tx/s | client CPU cores | all mined after s | blocks | txs mined | fullest block |');
console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
console.log(`| ${signed.length} | ${accepted} | ${rejectedCount} | ${seconds(submitMs)} | ${rate.toFixed(0)} | ${clientCpu.toFixed(2)} | ` +
  `${included ? seconds(includeMs) : 'not within 300 s'} | ${endBlock - startBlock} | ${minedTxs} | ` +
  `${fullest.count} txs (block ${fullest.number}) |`);
if (rejectedCount > 0) {
  console.log('');
  console.log('Rejected:');
  for (const [reason, count] of [...rejected].sort((a, b) => b[1] - a[1])) console.log(`- ${count} × ${reason}`);
}
console.log(`json: ${JSON.stringify({
  submitted: signed.length, accepted, rejected: Object.fromEntries(rejected), submitSeconds: submitMs / 1000,
  acceptedPerSecond: rate, client, clientCpuCores: clientCpu, allMinedSeconds: included ? includeMs / 1000 : null, blocks: Number(endBlock - startBlock),
  minedTxs, fullestBlock: { number: Number(fullest.number), transactions: fullest.count },
})}`);
if (accepted === 0 || (args.strict && (rejectedCount > 0 || !included))) process.exit(1);
