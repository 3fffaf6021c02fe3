#!/usr/bin/env node
// Finalized throughput and submit-to-finality latency of a running QTM validator network
// (bench/cluster_bench.sh starts one and runs this).
//
//   node bench/cluster_load.mjs --urls http://127.0.0.1:24101,http://127.0.0.1:24111,...
//                               [--txs 4000] [--senders 200] [--concurrency 16]
//
// 1. Funds --senders fresh ML-DSA-44 accounts from the dev accounts (prefunded by
//    `qtm testnet init`), signed here with the QTM SDK and sent to the first node.
// 2. Pre-signs --txs value transfers (per sender, sequential nonces; each sender's first
//    carries its public key and is submitted, and admitted, before its later ones).
// 3. Submits every transfer once, round-robin over all the nodes, --concurrency requests in
//    flight, noting when each was sent; meanwhile follows the first node's blocks (a block a
//    node serves is committed, i.e. final) and notes when each transfer's block appeared.
// Reports finalized transfers/s (from the first submission to the last inclusion) and the
// p50/p99/max submit-to-finality latency. Prints a markdown table and a JSON line.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const here = path.dirname(fileURLToPath(import.meta.url));
const sdkEntry = path.resolve(here, '../sdk/js/dist/src/index.js');
const { values: args } = parseArgs({
  options: {
    urls: { type: 'string' },
    txs: { type: 'string', default: '4000' },
    senders: { type: 'string', default: '200' },
    concurrency: { type: 'string', default: '16' },
    timeout: { type: 'string', default: '300' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (args.help || !args.urls) {
  console.log('usage: node bench/cluster_load.mjs --urls URL[,URL...] [--txs 4000] [--senders 200] ' +
    '[--concurrency 16] [--timeout 300]');
  process.exit(args.help ? 0 : 2);
}
if (!existsSync(sdkEntry)) {
  console.error(`cluster_load: ${sdkEntry} is missing: build the SDK first (cd sdk/js && npm ci && npm run build)`);
  process.exit(2);
}
const { QtmKey, signTransaction } = await import(pathToFileURL(sdkEntry).href);

const urls = args.urls.split(',');
const totalTxs = Number(args.txs);
const senderCount = Math.min(Number(args.senders), totalTxs);
const concurrency = Number(args.concurrency);
const perSender = Math.ceil(totalTxs / senderCount);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

let nextId = 1;
async function rpc(url, method, params = []) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: nextId++, method, params }),
  });
  const body = await response.json();
  if (body.error) throw new Error(`${method}: ${body.error.message} (${body.error.code})`);
  return body.result;
}

// Follows the first node's chain: the time each transaction hash was first seen in a block.
const seen = new Map();
const blocks = [];
let following = true;
async function follow(fromBlock) {
  let next = fromBlock;
  while (following) {
    const block = await rpc(urls[0], 'eth_getBlockByNumber', [`0x${next.toString(16)}`, false]);
    if (!block) { await sleep(20); continue; }
    const at = performance.now();
    for (const hash of block.transactions) if (!seen.has(hash)) seen.set(hash, at);
    blocks.push({ number: next, transactions: block.transactions.length, at });
    ++next;
  }
}

async function waitFor(hashes, timeoutMs) {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (hashes.every((hash) => seen.has(hash))) return true;
    await sleep(100);
  }
  return false;
}

const chainId = BigInt(await rpc(urls[0], 'eth_chainId'));
const head = BigInt(await rpc(urls[0], 'eth_blockNumber'));
const follower = follow(Number(head) + 1);
const latest = await rpc(urls[0], 'eth_getBlockByNumber', ['latest', false]);
const tip = 1_000_000_000n;
const maxFee = BigInt(latest.baseFeePerGas) * 8n + 10n * tip;
const FIRST_GAS = 21_000n + 4_500n + 20_000n + 16n * 1312n; // carries the ML-DSA-44 key
const LATER_GAS = 21_000n + 4_500n;
const value = 1n;

// ---- 1. funding, from the dev accounts (each a sender of several funding transfers)
const funders = Array.from({ length: 10 }, (_, i) => QtmKey.devAccount(i));
const senders = Array.from({ length: senderCount }, () => QtmKey.random());
const funding = (FIRST_GAS + LATER_GAS * BigInt(perSender)) * maxFee + value * BigInt(perSender);
const fundHashes = [];
const fundStart = performance.now();
await Promise.all(funders.map(async (funder, f) => {
  let nonce = BigInt(await rpc(urls[0], 'eth_getTransactionCount', [funder.address, 'pending']));
  for (let i = f; i < senders.length; i += funders.length) {
    const tx = signTransaction({
      chainId, nonce, maxPriorityFeePerGas: tip, maxFeePerGas: maxFee,
      gasLimit: nonce === 0n ? FIRST_GAS : LATER_GAS, to: senders[i].address, value: funding,
      data: '0x', accessList: [],
    }, funder, { includeKey: nonce === 0n });
    fundHashes.push(await rpc(urls[0], 'eth_sendRawTransaction', [tx.raw]));
    ++nonce;
  }
}));
if (!(await waitFor(fundHashes, Number(args.timeout) * 1000))) throw new Error('funding was not final in time');
const fundMs = performance.now() - fundStart;

// ---- 2. pre-sign
const signed = [];
for (let nonce = 0; nonce < perSender; ++nonce) {
  for (let s = 0; s < senders.length && signed.length < totalTxs; ++s) {
    const tx = signTransaction({
      chainId, nonce: BigInt(nonce), maxPriorityFeePerGas: tip, maxFeePerGas: maxFee,
      gasLimit: nonce === 0 ? FIRST_GAS : LATER_GAS, to: funders[0].address, value, data: '0x',
      accessList: [],
    }, senders[s], { includeKey: nonce === 0 });
    signed.push({ raw: tx.raw, hash: tx.hash.toLowerCase(), node: s % urls.length, sent: 0 });
  }
}

// ---- 3. submit: first every sender's key-carrying transfer, then the rest
const rejected = new Map();
let accepted = 0;
async function submit(from, to) {
  let cursor = from;
  await Promise.all(Array.from({ length: Math.min(concurrency, to - from) }, async () => {
    while (cursor < to) {
      const tx = signed[cursor++];
      tx.sent = performance.now();
      try {
        await rpc(urls[tx.node], 'eth_sendRawTransaction', [tx.raw]);
        ++accepted;
      } catch (error) {
        rejected.set(error.message, (rejected.get(error.message) ?? 0) + 1);
        tx.sent = 0;
      }
    }
  }));
}
const submitStart = performance.now();
await submit(0, senderCount);
await submit(senderCount, signed.length);
const submitEnd = performance.now();
const sent = signed.filter((tx) => tx.sent > 0);
const allFinal = await waitFor(sent.map((tx) => tx.hash), Number(args.timeout) * 1000);
following = false;
await follower;

const latencies = sent.filter((tx) => seen.has(tx.hash)).map((tx) => seen.get(tx.hash) - tx.sent)
  .sort((a, b) => a - b);
const quantile = (q) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] : NaN);
const lastFinal = Math.max(...sent.filter((tx) => seen.has(tx.hash)).map((tx) => seen.get(tx.hash)));
const windowMs = lastFinal - submitStart;
const busy = blocks.filter((block) => block.transactions > 0);
const result = {
  nodes: urls.length, txs: signed.length, senders: senderCount, concurrency, accepted,
  rejected: Object.fromEntries(rejected), final: latencies.length, allFinal,
  submitSeconds: (submitEnd - submitStart) / 1000, acceptedPerSecond: accepted / ((submitEnd - submitStart) / 1000),
  finalizedPerSecond: latencies.length / (windowMs / 1000),
  latencyMs: { p50: quantile(0.5), p99: quantile(0.99), max: latencies[latencies.length - 1] },
  blocksWithTransfers: busy.length, maxTransfersPerBlock: Math.max(0, ...busy.map((b) => b.transactions)),
  fundingSeconds: fundMs / 1000,
};
const f = (x, d = 0) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
console.log('| nodes | transfers | accepted | final | accepted/s | finalized/s | p50 ms | p99 ms | max ms | blocks | max/block |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|');
console.log(`| ${urls.length} | ${signed.length} | ${accepted} | ${latencies.length} | ${f(result.acceptedPerSecond)} | ` +
  `${f(result.finalizedPerSecond)} | ${f(result.latencyMs.p50)} | ${f(result.latencyMs.p99)} | ${f(result.latencyMs.max)} | ` +
  `${busy.length} | ${result.maxTransfersPerBlock} |`);
if (rejected.size) console.log('rejected:', JSON.stringify(result.rejected));
console.log(`json: ${JSON.stringify(result)}`);
process.exit(accepted > 0 && allFinal ? 0 : 1);
