// debug_traceTransaction / debug_traceCall / debug_traceBlockByNumber against `qtmd --dev`
// on a solc-compiled contract deployed and called through ethers: the callTracer frame of a
// real call (geth's shape: type, from, to, value, gas, gasUsed, input, logs with withLog),
// the struct logger's result, a reverted call's error and output, and the refusal of an
// unknown tracer.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ethers } from 'ethers';
import { compileContract, rpc, rpcRaw, startQtmd, waitForReceipt } from './lib/qtmd.mjs';

let node;
let provider;
let counter; // an ethers Contract
let from;
let call; // { hash, receipt, data }

before(async () => {
  node = await startQtmd();
  provider = new ethers.JsonRpcProvider(node.http, undefined, { pollingInterval: 200, cacheTimeout: -1 });
  from = node.accounts[0].address;
  const compiled = await compileContract('Counter');
  const signer = await provider.getSigner(from);
  counter = await new ethers.ContractFactory(compiled.abi, compiled.bytecode, signer).deploy(1);
  await counter.waitForDeployment();
  const sent = await counter.increment(5);
  call = { hash: sent.hash, receipt: await waitForReceipt(node.http, sent.hash), data: sent.data };
});

after(async () => {
  provider?.destroy();
  await node?.stop();
});

describe('debug_trace*', () => {
  test('callTracer: the frame of a contract call, with its event', async () => {
    const trace = await rpc(node.http, 'debug_traceTransaction', [
      call.hash, { tracer: 'callTracer', tracerConfig: { withLog: true } }]);
    const address = (await counter.getAddress()).toLowerCase();
    assert.equal(trace.type, 'CALL');
    assert.equal(trace.from, from.toLowerCase());
    assert.equal(trace.to, address);
    assert.equal(trace.value, '0x0');
    assert.equal(trace.input, call.data);
    assert.equal(trace.gasUsed, call.receipt.gasUsed);
    const tx = await rpc(node.http, 'eth_getTransactionByHash', [call.hash]);
    assert.equal(trace.gas, tx.gas);
    assert.equal(trace.error, undefined);
    assert.equal(trace.calls, undefined, 'Counter makes no calls');
    assert.equal(trace.logs.length, 1);
    const [log] = trace.logs;
    assert.equal(log.address, address);
    assert.equal(log.position, '0x0');
    assert.deepEqual(log.topics, call.receipt.logs[0].topics);
    assert.equal(log.data, call.receipt.logs[0].data);
    const event = counter.interface.parseLog(log);
    assert.equal(event.name, 'Incremented');
    assert.equal(event.args.newCount, 6n);
  });

  test('the struct logger: gas, failed, returnValue and geth-shaped steps', async () => {
    const trace = await rpc(node.http, 'debug_traceTransaction', [call.hash, { enableMemory: true }]);
    assert.equal(trace.gas, Number(call.receipt.gasUsed));
    assert.equal(trace.failed, false);
    assert.equal(trace.returnValue, '0x');
    assert.ok(trace.structLogs.length > 20);
    const [first] = trace.structLogs;
    assert.deepEqual(Object.keys(first).sort(), ['depth', 'gas', 'gasCost', 'memory', 'op', 'pc', 'stack']);
    assert.equal(first.pc, 0);
    assert.equal(first.depth, 1);
    assert.equal(first.op, 'PUSH1'); // solc's free-memory-pointer prologue
    const sstore = trace.structLogs.find((step) => step.op === 'SSTORE');
    assert.ok(sstore, 'increment writes count');
    const [[slot, value]] = Object.entries(sstore.storage);
    assert.equal(slot, '0'.repeat(64));
    assert.equal(BigInt(`0x${value}`), 6n);
    const log = trace.structLogs.find((step) => step.op === 'LOG2');
    assert.ok(log, 'the event is a LOG2');
  });

  test('debug_traceCall: a revert with a custom error keeps its output', async () => {
    const data = counter.interface.encodeFunctionData('increment', [2000]);
    const trace = await rpc(node.http, 'debug_traceCall', [
      { from, to: await counter.getAddress(), data, gas: '0x30d40' }, 'latest', { tracer: 'callTracer' }]);
    assert.equal(trace.error, 'execution reverted');
    assert.equal(trace.output, counter.interface.encodeErrorResult('TooLarge', [2000]));
    assert.equal(trace.revertReason, undefined, 'not an Error(string)');
  });

  test('debug_traceBlockByNumber: one result per transaction, by hash', async () => {
    const traces = await rpc(node.http, 'debug_traceBlockByNumber', [
      call.receipt.blockNumber, { tracer: 'callTracer' }]);
    const block = await rpc(node.http, 'eth_getBlockByNumber', [call.receipt.blockNumber, false]);
    assert.deepEqual(traces.map((entry) => entry.txHash), block.transactions);
    const ours = traces.find((entry) => entry.txHash === call.hash);
    assert.equal(ours.result.gasUsed, call.receipt.gasUsed);
  });

  test('an unknown tracer is refused with geth\'s code', async () => {
    const answer = await rpcRaw(node.http, 'debug_traceTransaction', [call.hash, { tracer: 'noSuchTracer' }]);
    assert.equal(answer.error.code, -32000);
    assert.match(answer.error.message, /tracer not found/);
  });
});
