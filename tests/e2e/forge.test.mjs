// Foundry's real `forge` binary (npm @foundry-rs/forge, which installs the platform's release
// binary as @foundry-rs/forge-<os>-<arch>/bin/forge) against a real `qtmd --dev`, compiling
// with the npm solc through scripts/forge-solc (forge cannot download a compiler here): a
// temporary Foundry project without forge-std; `forge build`; `forge create --unlocked
// --broadcast` (the node signs: eth_sendTransaction), the deployed code and a call checked
// over RPC; `forge script --broadcast --unlocked --skip-simulation` of a script that deploys
// a contract and calls it, with the `vm` cheatcodes declared inline, its transactions'
// receipts and the contract's state checked; and why --skip-simulation: forge's own gas
// estimate for an account's first transaction lacks QTM's key registration gas, so the node
// refuses it ("intrinsic gas too low"), while the node's eth_estimateGas includes it. The
// accounts are the node's (eth_accounts). An empty HOME, no network (offline = true), a
// timeout per command.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ethers } from 'ethers';
import { runFoundry } from './lib/foundry.mjs';
import { repoDir, rpc, startQtmd, waitForReceipt } from './lib/qtmd.mjs';

const run = promisify(execFile);
const wrapper = path.join(repoDir, 'scripts/forge-solc');

const FOUNDRY_TOML = `[profile.default]
src = "src"
script = "script"
out = "out"
libs = []
evm_version = "cancun"
offline = true
`;

const COUNTER_SOL = `// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

contract Counter {
    uint256 public number;
    event Set(uint256 number);

    function setNumber(uint256 value) public {
        number = value;
        emit Set(value);
    }

    function increment() public {
        number++;
    }
}
`;

// forge-std's Script is not available offline: the two cheatcodes the script needs,
// declared at the cheatcode address as forge-std does.
const COUNTER_SCRIPT = `// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {Counter} from "../src/Counter.sol";

interface Vm {
    function startBroadcast() external;
    function stopBroadcast() external;
}

contract CounterScript {
    Vm constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    function run() external returns (Counter counter) {
        vm.startBroadcast();
        counter = new Counter();
        counter.setNumber(41);
        counter.increment();
        vm.stopBroadcast();
    }
}
`;

// A script that only calls an existing Counter: an account's first transaction is small.
const INCREMENT_SCRIPT = `// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {Counter} from "../src/Counter.sol";

interface Vm {
    function startBroadcast() external;
    function stopBroadcast() external;
}

contract IncrementScript {
    Vm constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    function run(Counter counter) external {
        vm.startBroadcast();
        counter.increment();
        vm.stopBroadcast();
    }
}
`;

let node;
let home;
let project;
let accounts; // eth_accounts: the dev accounts the node holds and signs for
let scripted; // the Counter that forge script deployed

before(async () => {
  node = await startQtmd();
  home = mkdtempSync(path.join(tmpdir(), 'qtm-e2e-forge-home-'));
  project = mkdtempSync(path.join(tmpdir(), 'qtm-e2e-forge-'));
  mkdirSync(path.join(project, 'src'));
  mkdirSync(path.join(project, 'script'));
  writeFileSync(path.join(project, 'foundry.toml'), FOUNDRY_TOML);
  writeFileSync(path.join(project, 'src/Counter.sol'), COUNTER_SOL);
  writeFileSync(path.join(project, 'script/Counter.s.sol'), COUNTER_SCRIPT);
  writeFileSync(path.join(project, 'script/Increment.s.sol'), INCREMENT_SCRIPT);
  accounts = await rpc(node.http, 'eth_accounts');
  assert.deepEqual(accounts.map((a) => a.toLowerCase()), node.accounts.map((a) => a.address.toLowerCase()));
});

after(async () => {
  await node?.stop();
  for (const dir of [home, project]) if (dir) rmSync(dir, { recursive: true, force: true });
});

function forge(...args) {
  return runFoundry('forge', args, { cwd: project, home, timeout: 120_000 });
}

const counter = new ethers.Interface(['function number() view returns (uint256)', 'function setNumber(uint256)', 'function increment()']);

async function number(address) {
  return BigInt(await rpc(node.http, 'eth_call', [{ to: address, data: counter.encodeFunctionData('number') }, 'latest']));
}

test('forge --version runs the real binary; the wrapper answers --version as solc does', async () => {
  assert.match(await forge('--version'), /forge Version: \d+\.\d+\.\d+/);
  const { stdout } = await run(wrapper, ['--version'], { timeout: 60_000 });
  assert.match(stdout, /^solc, the solidity compiler commandline interface\nVersion: 0\.8\.37\+commit\.[0-9a-f]{8}\./);
});

test('the wrapper compiles Standard JSON from stdin, reading imports the input lacks from the base and include paths only', async () => {
  const lib = mkdtempSync(path.join(tmpdir(), 'qtm-e2e-forge-lib-'));
  try {
    mkdirSync(path.join(lib, 'math'));
    writeFileSync(path.join(lib, 'math/Two.sol'), '// SPDX-License-Identifier: MIT\npragma solidity ^0.8.20;\n'
      + 'library Two { function two() internal pure returns (uint256) { return 2; } }\n');
    const input = JSON.stringify({
      language: 'Solidity',
      sources: { 'src/UsesTwo.sol': { content: '// SPDX-License-Identifier: MIT\npragma solidity ^0.8.20;\nimport "math/Two.sol";\n'
        + 'contract UsesTwo { function f() external pure returns (uint256) { return Two.two(); } }\n' } },
      settings: { evmVersion: 'cancun', outputSelection: { '*': { '*': ['evm.methodIdentifiers'] } } },
    });
    const compile = (...args) => new Promise((resolve, reject) => {
      const child = execFile(wrapper, args, { cwd: project, timeout: 60_000 }, (error, stdout, stderr) => {
        if (error) reject(new Error(`forge-solc ${args.join(' ')}: ${stderr || error.message}`));
        else resolve(JSON.parse(stdout));
      });
      child.stdin.end(input);
    });
    const found = await compile('--allow-paths', `${project},${lib}`, '--base-path', project, '--include-path', lib, '--standard-json');
    assert.deepEqual(found.errors ?? [], []);
    assert.deepEqual(found.contracts['src/UsesTwo.sol'].UsesTwo.evm.methodIdentifiers, { 'f()': '26121ff0' });
    assert.ok(found.sources['math/Two.sol'], 'the import was read from the include path');
    const missing = await compile('--base-path', project, '--standard-json');
    assert.match(missing.errors.map((e) => e.message).join('\n'), /Source "math\/Two.sol" not found: File not found: math\/Two.sol/);
    // An absolute import outside the base, include and allowed paths is refused, as solc does.
    const outside = JSON.parse(input);
    outside.sources['src/UsesTwo.sol'].content = outside.sources['src/UsesTwo.sol'].content.replace('"math/Two.sol"', JSON.stringify(path.join(lib, 'math/Two.sol')));
    const refusedOutside = await new Promise((resolve, reject) => {
      const child = execFile(wrapper, ['--base-path', project, '--standard-json'], { cwd: project, timeout: 60_000 },
        (error, stdout) => (error ? reject(error) : resolve(JSON.parse(stdout))));
      child.stdin.end(JSON.stringify(outside));
    });
    assert.match(refusedOutside.errors.map((e) => e.message).join('\n'), /is outside the allowed directories/);
    // Not an accepted flag: refused rather than ignored.
    await assert.rejects(compile('--optimize', '--standard-json'), /unsupported argument --optimize/);
  } finally {
    rmSync(lib, { recursive: true, force: true });
  }
});

test('forge build with the npm solc (--use scripts/forge-solc)', async () => {
  const output = await forge('build', '--use', wrapper);
  assert.match(output, /Compiling 3 files with Solc 0\.8\.37/);
  assert.match(output, /Compiler run successful/);
  const artifact = JSON.parse(readFileSync(path.join(project, 'out/Counter.sol/Counter.json'), 'utf8'));
  assert.match(artifact.deployedBytecode.object, /^0x60[0-9a-f]+$/);
  assert.deepEqual(artifact.methodIdentifiers, { 'increment()': 'd09de08a', 'number()': '8381f58a', 'setNumber(uint256)': '3fb5c1cb' });
});

test('forge create --unlocked --broadcast deploys; the code and a call check out over RPC', async () => {
  const from = accounts[1];
  const output = await forge('create', '--use', wrapper, '--rpc-url', node.http, '--unlocked',
    '--from', from, '--broadcast', '--json', 'src/Counter.sol:Counter');
  // The JSON object is the output's last part (a compilation would print its lines first).
  const created = JSON.parse(output.slice(output.lastIndexOf('\n{') + 1));
  assert.equal(created.deployer.toLowerCase(), from.toLowerCase());
  const receipt = await rpc(node.http, 'eth_getTransactionReceipt', [created.transactionHash]);
  assert.equal(receipt.status, '0x1');
  assert.equal(receipt.contractAddress.toLowerCase(), created.deployedTo.toLowerCase());
  assert.equal(created.deployedTo.toLowerCase(), ethers.getCreateAddress({ from, nonce: 0 }).toLowerCase());
  const artifact = JSON.parse(readFileSync(path.join(project, 'out/Counter.sol/Counter.json'), 'utf8'));
  assert.equal(await rpc(node.http, 'eth_getCode', [created.deployedTo, 'latest']), artifact.deployedBytecode.object);
  assert.equal(await number(created.deployedTo), 0n);
  const sent = await rpc(node.http, 'eth_sendTransaction', [{ from, to: created.deployedTo, data: counter.encodeFunctionData('increment') }]);
  assert.equal((await waitForReceipt(node.http, sent)).status, '0x1');
  assert.equal(await number(created.deployedTo), 1n);
});

function broadcastOf(script) {
  return JSON.parse(readFileSync(path.join(project, 'broadcast', script, String(node.chainId), 'run-latest.json'), 'utf8'));
}

test('forge script --broadcast --unlocked --skip-simulation: its three transactions land and the contract holds 42', async () => {
  const sender = accounts[2];
  const output = await forge('script', '--use', wrapper, 'script/Counter.s.sol:CounterScript', '--rpc-url', node.http,
    '--broadcast', '--unlocked', '--sender', sender, '--slow', '--skip-simulation');
  assert.match(output, /ONCHAIN EXECUTION COMPLETE & SUCCESSFUL/);
  const broadcast = broadcastOf('Counter.s.sol');
  assert.deepEqual(broadcast.transactions.map((tx) => tx.transactionType), ['CREATE', 'CALL', 'CALL']);
  assert.equal(broadcast.receipts.length, 3);
  scripted = broadcast.transactions[0].contractAddress;
  assert.equal(scripted.toLowerCase(), ethers.getCreateAddress({ from: sender, nonce: 0 }).toLowerCase());
  for (const tx of broadcast.transactions) {
    const receipt = await rpc(node.http, 'eth_getTransactionReceipt', [tx.hash]);
    assert.equal(receipt.status, '0x1', `${tx.transactionType} ${tx.hash}`);
    assert.equal(receipt.from.toLowerCase(), sender.toLowerCase());
    assert.equal(receipt.to?.toLowerCase() ?? null, tx.transactionType === 'CREATE' ? null : scripted.toLowerCase());
    const sent = await rpc(node.http, 'eth_getTransactionByHash', [tx.hash]);
    assert.equal(sent.type, '0x51');
  }
  assert.equal(await number(scripted), 42n);
  assert.equal(BigInt(await rpc(node.http, 'eth_getTransactionCount', [sender, 'latest'])), 3n);
});

test('forge script\'s simulated gas misses the key registration of a first transaction; --skip-simulation uses eth_estimateGas', async () => {
  assert.ok(scripted, 'the previous test deployed the Counter');
  const sender = accounts[3];
  assert.equal(await rpc(node.http, 'qtm_getPublicKey', [sender]), null, 'a dev account that has not sent yet');
  const args = ['script', '--use', wrapper, 'script/Increment.s.sol:IncrementScript', '--sig', 'run(address)', scripted,
    '--rpc-url', node.http, '--broadcast', '--unlocked', '--sender', sender, '--slow'];
  // forge's gas limit is its own EVM's gas × 1.3 (~36,000 here); the node wants 21,000 + the
  // call + 4,500 (ML-DSA-44 verification) + 40,992 (the key carried by the first transaction).
  await assert.rejects(forge(...args), /intrinsic gas too low/);
  assert.equal(await number(scripted), 42n);
  await forge(...args, '--skip-simulation');
  assert.equal(await number(scripted), 43n);
  assert.notEqual(await rpc(node.http, 'qtm_getPublicKey', [sender]), null);
  // Once the key is registered, forge's own estimate covers the 4,500 of a signature.
  await forge(...args);
  assert.equal(await number(scripted), 44n);
  const receipt = await rpc(node.http, 'eth_getTransactionReceipt', [broadcastOf('Increment.s.sol').receipts[0].transactionHash]);
  assert.equal(receipt.status, '0x1');
});
