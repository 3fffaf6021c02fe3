// Foundry's real `cast` binary (npm @foundry-rs/cast, which installs the platform's release
// binary as @foundry-rs/cast-<os>-<arch>/bin/cast) against a real `qtmd --dev`: chain id,
// block number, balances, blocks, receipts, raw RPC, a contract deployed with
// `cast send --create` and read with `cast call`, value transfers with `cast send --unlocked`
// (the node signs: eth_sendTransaction). Every command gets --rpc-url; nothing reaches the
// internet (no Etherscan key, an empty HOME and working directory without foundry.toml).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ethers } from 'ethers';
import { runFoundry } from './lib/foundry.mjs';
import { compileContract, rpc, startQtmd } from './lib/qtmd.mjs';


let node;
let home;
const DEV_BALANCE = 99_000_000n * 10n ** 18n;

before(async () => {
  node = await startQtmd();
  home = mkdtempSync(path.join(tmpdir(), 'qtm-e2e-cast-'));
});

after(async () => {
  await node?.stop();
  if (home) rmSync(home, { recursive: true, force: true });
});

function cast(...args) {
  return runFoundry('cast', [args[0], '--rpc-url', node.http, ...args.slice(1)], { cwd: home, home });
}

test('cast --version runs the real binary', async () => {
  const stdout = await runFoundry('cast', ['--version'], { cwd: home, home });
  assert.match(stdout, /cast Version: \d+\.\d+\.\d+/);
});

test('cast chain-id, cast rpc eth_chainId, cast block-number', async () => {
  assert.equal(await cast('chain-id'), '7357');
  assert.equal(JSON.parse(await cast('rpc', 'eth_chainId')), '0x1cbd');
  const first = Number(await cast('block-number'));
  assert.ok(first >= 0);
  await new Promise((resolve) => setTimeout(resolve, 1500));
  assert.ok(Number(await cast('block-number')) > first, 'blocks every 0.5 s');
});

test('cast balance of the dev accounts', async () => {
  for (const { address } of node.accounts.slice(0, 3)) {
    assert.equal(BigInt(await cast('balance', address, '--block', '0')), DEV_BALANCE);
  }
  assert.equal(await cast('balance', '0x000000000000000000000000000000000000dEaD'), '0');
  assert.equal(await cast('balance', '--ether', node.accounts[0].address, '--block', '0'), '99000000.000000000000000000');
});

test('cast block latest (text and JSON) and cast block 0', async () => {
  const latest = JSON.parse(await cast('block', 'latest', '--json'));
  assert.match(latest.hash, /^0x[0-9a-f]{64}$/);
  assert.ok(Number(latest.number) > 0);
  const text = await cast('block', 'latest');
  assert.match(text, /^hash\s+0x[0-9a-f]{64}$/m);
  assert.match(text, /^number\s+\d+$/m);
  assert.equal(await cast('block', '0', '--field', 'parentHash'), `0x${'0'.repeat(64)}`);
  const genesis = await rpc(node.http, 'eth_getBlockByNumber', ['0x0', false]);
  assert.equal(await cast('block', '0', '--field', 'hash'), genesis.hash);
});

test('cast send --unlocked (node-side signing) and cast receipt', async () => {
  const from = node.accounts[1].address;
  const to = '0x00000000000000000000000000000000000c0ffe';
  const sent = JSON.parse(await cast('send', '--unlocked', '--from', from, to, '--value', '1.25ether', '--json'));
  assert.equal(sent.status, '0x1');
  assert.equal(sent.from.toLowerCase(), from.toLowerCase());
  assert.equal(sent.to.toLowerCase(), to);
  assert.equal(await cast('balance', to), '1250000000000000000');

  const receipt = JSON.parse(await cast('receipt', sent.transactionHash, '--json'));
  assert.equal(receipt.transactionHash, sent.transactionHash);
  assert.equal(receipt.blockHash, sent.blockHash);
  assert.equal(receipt.status, '0x1');
  assert.equal(await cast('receipt', sent.transactionHash, 'status'), 'true');
  // Receipts say type 0x2 (cast send refuses any type it does not know, such as 0x51); the
  // transaction itself says 0x51.
  assert.equal(receipt.type, '0x2');
  const tx = JSON.parse(await cast('tx', sent.transactionHash, '--json'));
  assert.equal(tx.hash, sent.transactionHash);
  assert.equal(BigInt(tx.value), 1_250_000_000_000_000_000n);
  assert.equal(tx.type, '0x51');
  // A second transfer right after the first (the nonce comes from the pending state).
  const again = JSON.parse(await cast('send', '--unlocked', '--from', from, to, '--value', '1wei', '--json'));
  assert.equal(again.status, '0x1');
  assert.equal(await cast('nonce', from), '2');
});

test('cast send --create deploys a solc contract; cast call reads it; cast send changes it', async () => {
  const { bytecode } = await compileContract('Counter');
  const from = node.accounts[2].address;
  const deployed = JSON.parse(await cast('send', '--unlocked', '--from', from, '--json', '--create', bytecode,
    'constructor(uint256)', '41'));
  assert.equal(deployed.status, '0x1');
  const address = deployed.contractAddress;
  assert.match(address, /^0x[0-9a-fA-F]{40}$/);
  assert.equal((await cast('compute-address', from, '--nonce', '0')).split(/\s+/).pop().toLowerCase(), address.toLowerCase());
  assert.notEqual(await cast('code', address), '0x');

  assert.equal(await cast('call', address, 'get()(uint256)'), '41');
  assert.equal((await cast('call', address, 'owner()(address)')).toLowerCase(), from.toLowerCase());

  const sent = JSON.parse(await cast('send', '--unlocked', '--from', from, '--json', address, 'increment(uint256)', '9'));
  assert.equal(sent.status, '0x1');
  assert.equal(sent.logs.length, 1);
  assert.equal(sent.logs[0].topics[0], ethers.id('Incremented(address,uint256,uint256)'));
  assert.equal(await cast('call', address, 'get()(uint256)'), '50');
  // cast storage sends the slot as "0x0" (odd length), as geth accepts it.
  assert.equal(BigInt(await cast('storage', address, '0')), 50n);
  // cast access-list (eth_createAccessList): the call reads and writes slot 0 of the counter.
  const accessList = JSON.parse(await cast('access-list', '--from', from, '--json', address, 'increment(uint256)', '1'));
  const counterEntry = accessList.accessList.find((e) => e.address.toLowerCase() === address.toLowerCase());
  assert.ok(counterEntry, JSON.stringify(accessList));
  assert.deepEqual(counterEntry.storageKeys, [ethers.zeroPadValue('0x00', 32)]);
  // State and block overrides (eth_call's third and fourth parameters): code that returns
  // NUMBER, run with the block number overridden.
  const probe = '0x0000000000000000000000000000000000001234';
  assert.equal(BigInt(await cast('call', probe, '--override-code', `${probe}:0x4360005260206000f3`,
    '--block.number', '77')), 77n);
  assert.equal(BigInt(await cast('call', address, 'get()(uint256)', '--override-state-diff',
    `${address}:0x0:0x2a`)), 42n);
  const logs = JSON.parse(await cast('logs', '--json', '--from-block', '0', '--address', address,
    'Incremented(address indexed,uint256,uint256)'));
  assert.equal(logs.length, 1);
  assert.equal(logs[0].transactionHash, sent.transactionHash);
  // A revert surfaces the custom error's selector and argument.
  await assert.rejects(cast('call', address, 'increment(uint256)', '5000'), /revert/i);
});
