#!/usr/bin/env node
// One target's run of bench/node_tps.sh: submits pre-signed value transfers as fast as
// autocannon can over keep-alive connections, follows the chain's blocks, and reports
// submitted/s, committed/s, p50/p99 submit-to-inclusion latency and CPU per transaction.
//
//   node bench/node_tps.mjs --target qtmd  --url URL[,URL...] --pid PID[,PID...] --load DIR
//   node bench/node_tps.mjs --target anvil --url URL --pid PID --txs N --senders S
//                           [--connections 32] [--timeout 120] [--strict]
//
// qtmd: DIR holds fund.txt and load.txt from qtm-bench-presign (ML-DSA-44, signed in C++).
// anvil: the transfers are ECDSA-signed here with ethers (tests/e2e/node_modules), from S
// fresh accounts funded by anvil's first default account; signing is before the
// measurement and not in it.
// Both: the funding is submitted and mined first; then every sender's first transfer is
// answered before any later one is sent (qtmd refuses a transfer whose sender's key it has
// not seen), nonce-major. The measured window runs from the first load request to the last
// inclusion. CPU: the node's (from /proc/PID/stat) and this process's over that window.
// Several qtmd URLs (a validator network, bench/cluster_bench.sh --client presigned): the
// load goes round-robin to the nodes, the first node's blocks are followed (a block a
// network node serves is final), the CPU is the sum over PIDs, and every sender's first
// transfer (which registers its key) is submitted and committed before the measurement,
// since a node that has not yet seen it refuses the sender's later ones.
// Prints one line "json: {...}". Exits 1 when nothing was committed, or with --strict when
// any transfer was refused or not committed within --timeout seconds of the last answer.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { submitBodies } from './lib/autocannon_submit.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const e2eRequire = createRequire(path.resolve(here, '../tests/e2e/package.json'));
const autocannon = e2eRequire('autocannon');
const { values: args } = parseArgs({
  options: {
    target: { type: 'string' },
    url: { type: 'string' },
    pid: { type: 'string' },
    load: { type: 'string' },
    txs: { type: 'string', default: '20000' },
    senders: { type: 'string', default: '200' },
    connections: { type: 'string', default: '32' },
    timeout: { type: 'string', default: '120' },
    strict: { type: 'boolean', default: false },
  },
});
const fail = (message) => {
  console.error(`node_tps: ${message}`);
  process.exit(2);
};
if (!['qtmd', 'anvil'].includes(args.target) || !args.url || !args.pid) {
  fail('usage: --target qtmd|anvil --url URL --pid PID (--load DIR | --txs N --senders S)');
}
const urls = args.url.split(',');
const url = urls[0];
const pids = args.pid.split(',');
const connections = Number(args.connections);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

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

// The node's user + system CPU seconds so far.
const ticksPerSecond = 100;
function nodeCpuSeconds() {
  let total = 0;
  for (const pid of pids) {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    total += (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
  }
  return total;
}
const clientCpuSeconds = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
};

// ---- the transactions: { hash, raw } in nonce-major order, and the funding
let funding;
let load;
let senderCount;
if (args.target === 'qtmd') {
  if (!args.load) fail('--target qtmd needs --load DIR (qtm-bench-presign --out DIR)');
  const read = (name) => readFileSync(path.join(args.load, name), 'utf8').trim().split('\n')
    .map((line) => {
      const [hash, raw] = line.split(' ');
      return { hash: hash.toLowerCase(), raw };
    });
  funding = read('fund.txt');
  load = read('load.txt');
  senderCount = funding.length;
} else {
  const { Wallet, parseEther } = e2eRequire('ethers');
  const txs = Number(args.txs);
  senderCount = Math.min(Number(args.senders), txs);
  const chainId = BigInt(await rpc('eth_chainId'));
  // anvil's first default account (the public "test test ... junk" mnemonic).
  const funder = new Wallet('0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80');
  const wallets = Array.from({ length: senderCount }, () => Wallet.createRandom());
  const fee = { maxFeePerGas: 50_000_000_000n, maxPriorityFeePerGas: 1_000_000_000n };
  const signStart = performance.now();
  const fundNonce = BigInt(await rpc('eth_getTransactionCount', [funder.address, 'pending']));
  funding = [];
  for (let s = 0; s < senderCount; ++s) {
    const raw = await funder.signTransaction({
      type: 2, chainId, nonce: fundNonce + BigInt(s), to: wallets[s].address, value: parseEther('10'),
      gasLimit: 21_000n, ...fee,
    });
    funding.push({ raw });
  }
  load = [];
  const perSender = Math.ceil(txs / senderCount);
  for (let nonce = 0; nonce < perSender && load.length < txs; ++nonce) {
    for (let s = 0; s < senderCount && load.length < txs; ++s) {
      const raw = await wallets[s].signTransaction({
        type: 2, chainId, nonce, to: funder.address, value: 1n, gasLimit: 21_000n, ...fee,
      });
      load.push({ raw });
    }
  }
  const { keccak256 } = e2eRequire('ethers');
  for (const tx of [...funding, ...load]) tx.hash = keccak256(tx.raw).toLowerCase();
  console.error(`node_tps: signed ${funding.length + load.length} ECDSA transactions in ` +
    `${((performance.now() - signStart) / 1000).toFixed(1)} s`);
}

// ---- following the chain: when each transaction's block was first seen
const includedAt = new Map();  // hash -> ms
let followed = BigInt(await rpc('eth_blockNumber'));
let following = true;
async function follow() {
  while (following) {
    const head = BigInt(await rpc('eth_blockNumber'));
    for (; followed < head; ) {
      followed += 1n;
      const block = await rpc('eth_getBlockByNumber', [`0x${followed.toString(16)}`, false]);
      const now = performance.now();
      for (const hash of block.transactions) includedAt.set(hash.toLowerCase(), now);
    }
    await sleep(50);
  }
}
const follower = follow();

// Items [from, to) over every URL: item i to urls[i % urls.length], each URL with its share
// of the connections.
async function submit(items, from, to, sentAt, tally) {
  const bodies = items.map((tx, i) => JSON.stringify({ jsonrpc: '2.0', id: i, method: 'eth_sendRawTransaction', params: [tx.raw] }));
  if (urls.length > 1) {
    await Promise.all(urls.map((nodeUrl, n) => {
      const mine = [];
      for (let i = from; i < to; ++i) if (i % urls.length === n) mine.push(i);
      const view = mine.map((i) => bodies[i]);
      return submitTo(nodeUrl, Math.max(1, Math.floor(connections / urls.length)), view, mine, sentAt, tally);
    }));
    return;
  }
  await submitTo(url, connections, bodies.slice(from, to), Array.from({ length: to - from }, (_, k) => from + k), sentAt, tally);
}

// bodies[k] is item index[k].
async function submitTo(nodeUrl, nodeConnections, bodies, index, sentAt, tally) {
  if (bodies.length === 0) return;
  const transport = await submitBodies({
    autocannon, url: nodeUrl, connections: nodeConnections, bodies, from: 0, to: bodies.length,
    onSend: (k) => { sentAt[index[k]] = performance.now(); },
    onAnswer: (status, text) => {
      tally.lastAnswer = performance.now();
      let answer;
      try {
        answer = JSON.parse(text);
      } catch {
        answer = { error: { message: `HTTP ${status}, not JSON` } };
      }
      if (status === 200 && typeof answer.result === 'string') {
        tally.accepted.add(answer.id);
      } else {
        const reason = answer.error?.message ?? `HTTP ${status}`;
        tally.rejected.set(reason, (tally.rejected.get(reason) ?? 0) + 1);
      }
    },
  });
  for (const [what, count] of transport) tally.rejected.set(what, (tally.rejected.get(what) ?? 0) + count);
}

async function waitIncluded(hashes, deadlineMs) {
  while (hashes.some((hash) => !includedAt.has(hash)) && performance.now() < deadlineMs) await sleep(50);
}

// ---- funding, mined before the measurement
{
  const tally = { accepted: new Set(), rejected: new Map() };
  // qtmd's dev accounts carry their keys in their first transactions (the first ten lines).
  const carriers = args.target === 'qtmd' ? Math.min(10, funding.length) : 0;
  // All to the first node: a dev account's later funding needs its first one pooled there.
  const bodies = funding.map((tx, i) => JSON.stringify({ jsonrpc: '2.0', id: i, method: 'eth_sendRawTransaction', params: [tx.raw] }));
  const index = funding.map((_, i) => i);
  if (carriers > 0) await submitTo(url, connections, bodies.slice(0, carriers), index.slice(0, carriers), [], tally);
  if (carriers < funding.length) await submitTo(url, connections, bodies.slice(carriers), index.slice(carriers), [], tally);
  if (tally.rejected.size > 0) fail(`funding refused: ${JSON.stringify([...tally.rejected])}`);
  await waitIncluded(funding.map((tx) => tx.hash), performance.now() + 120_000);
  if (funding.some((tx) => !includedAt.has(tx.hash))) fail('funding not mined within 120 s');
}

// ---- the measured load
const sentAt = new Array(load.length);
const tally = { accepted: new Set(), rejected: new Map(), lastAnswer: 0 };
const firsts = Math.min(senderCount, load.length);
let measuredFrom = 0;
if (urls.length > 1) {
  // The key-carrying firsts, committed before the measurement (see above).
  const setup = { accepted: new Set(), rejected: new Map() };
  await submit(load, 0, firsts, [], setup);
  if (setup.rejected.size > 0) fail(`first transfers refused: ${JSON.stringify([...setup.rejected])}`);
  await waitIncluded(load.slice(0, firsts).map((tx) => tx.hash), performance.now() + 120_000);
  measuredFrom = firsts;
}
const cpu0 = { node: nodeCpuSeconds(), client: clientCpuSeconds() };
const start = performance.now();
if (measuredFrom === 0) await submit(load, 0, firsts, sentAt, tally);
if (firsts < load.length) await submit(load, firsts, load.length, sentAt, tally);
const submitCpu = clientCpuSeconds() - cpu0.client;
const accepted = [...tally.accepted].map((i) => load[i].hash);
await waitIncluded(accepted, tally.lastAnswer + Number(args.timeout) * 1000);
following = false;
await follower;
const cpu1 = { node: nodeCpuSeconds(), client: clientCpuSeconds() };

const latencies = [];
let lastInclusion = start;
for (const i of tally.accepted) {
  const at = includedAt.get(load[i].hash);
  if (at === undefined) continue;
  latencies.push(at - sentAt[i]);
  lastInclusion = Math.max(lastInclusion, at);
}
latencies.sort((a, b) => a - b);
const quantile = (q) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] : NaN);
const windowS = (lastInclusion - start) / 1000;
const submitS = (tally.lastAnswer - start) / 1000;
const result = {
  target: args.target,
  nodes: urls.length,
  submitted: load.length - measuredFrom,
  accepted: tally.accepted.size,
  rejected: Object.fromEntries(tally.rejected),
  committed: latencies.length,
  submit_seconds: Number(submitS.toFixed(2)),
  submitted_per_s: Math.round(tally.accepted.size / submitS),
  window_seconds: Number(windowS.toFixed(2)),
  committed_per_s: Math.round(latencies.length / windowS),
  p50_ms: Math.round(quantile(0.5)),
  p99_ms: Math.round(quantile(0.99)),
  node_cpu_ms_per_tx: Number((((cpu1.node - cpu0.node) * 1000) / Math.max(1, latencies.length)).toFixed(3)),
  node_cores: Number(((cpu1.node - cpu0.node) / windowS).toFixed(2)),
  client_cores_submitting: Number((submitCpu / submitS).toFixed(2)),
  client_cpu_s: Number((cpu1.client - cpu0.client).toFixed(2)),
};
console.log(`json: ${JSON.stringify(result)}`);
// --strict (the smoke test): every transfer accepted and committed.
const complete = result.accepted === result.submitted && result.committed === result.accepted;
process.exit(result.committed > 0 && (complete || !args.strict) ? 0 : 1);
