// contracts/IStaking.sol against the node's staking contract: solc (solcjs) compiles the
// interface without warnings, and every function selector and event topic of its ABI is one
// the native contract dispatches and emits (`qtm validator abi` prints those from the C++
// tables, src/chain/staking/contract.cpp), and the other way round.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ethers } from 'ethers';
import { binDir, compileFile, repoDir } from './lib/qtmd.mjs';

const interfaceFile = path.join(repoDir, 'contracts/IStaking.sol');

function nodeAbi() {
  const qtm = path.join(binDir, 'qtm');
  if (!existsSync(qtm)) throw new Error(`qtm not found at ${qtm}: build it and set QTM_BIN_DIR`);
  return JSON.parse(execFileSync(qtm, ['validator', 'abi'], { encoding: 'utf8' }));
}

test('IStaking.sol compiles and its ABI is the native contract\'s', async () => {
  const { abi, bytecode } = await compileFile(interfaceFile, 'IStaking');
  assert.equal(bytecode, '0x', 'an interface has no code');
  const solidity = new ethers.Interface(abi);
  const native = nodeAbi();
  assert.equal(native.address, '0x0000000000000000000000000000005374616b65');

  const solFunctions = new Map();
  solidity.forEachFunction((f) => solFunctions.set(f.format('sighash'), f.selector));
  const nativeFunctions = new Map(native.functions.map((f) => [f.signature, f.selector]));
  assert.deepEqual([...solFunctions.keys()].sort(), [...nativeFunctions.keys()].sort(),
    'IStaking.sol declares exactly the functions the contract dispatches');
  for (const [signature, selector] of solFunctions) {
    assert.equal(nativeFunctions.get(signature), selector, `selector of ${signature}`);
  }

  const solEvents = new Map();
  solidity.forEachEvent((e) => solEvents.set(e.format('sighash'), e.topicHash));
  const nativeEvents = new Map(native.events.map((e) => [e.signature, e.topic]));
  assert.deepEqual([...solEvents.keys()].sort(), [...nativeEvents.keys()].sort(),
    'IStaking.sol declares exactly the events the contract emits');
  for (const [signature, topic] of solEvents) {
    assert.equal(nativeEvents.get(signature), topic, `topic of ${signature}`);
  }

  // The payable functions are the two that bond value.
  const payable = abi.filter((f) => f.type === 'function' && f.stateMutability === 'payable')
    .map((f) => f.name).sort();
  assert.deepEqual(payable, ['createValidator', 'delegate']);
});

test('solc reports no warnings for IStaking.sol', async () => {
  const { default: solc } = await import('solc');
  const input = {
    language: 'Solidity',
    sources: { 'IStaking.sol': { content: readFileSync(interfaceFile, 'utf8') } },
    settings: { evmVersion: 'cancun', outputSelection: { '*': { '*': ['abi', 'devdoc', 'userdoc'] } } },
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input)));
  const problems = (output.errors ?? []).map((e) => e.formattedMessage);
  assert.deepEqual(problems, [], 'no errors or warnings');
  const userdoc = output.contracts['IStaking.sol'].IStaking.userdoc;
  assert.ok(userdoc.methods['createValidator(uint8,bytes,bytes,address,uint16)'].notice,
    'NatSpec of createValidator reaches the userdoc');
});
