// The RPC helpers against a scripted request function: which fields come from which method,
// when the key is carried, and the gas correction for ML-DSA-65/87 first transactions.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { decodeTransaction, getPublicKey, getValidators, prepareTransaction, QtmKey, QtmRpcError, sendTransaction, toRequest } from '../src/index.js';
import { estimateQtmGas, qtmViemAccount } from '../src/viem.js';

function fakeNode(state: { nonce: number; registered: boolean }) {
  const calls: string[] = [];
  const sent: string[] = [];
  const request = async ({ method, params = [] }: { method: string; params?: unknown[] }): Promise<unknown> => {
    calls.push(method);
    switch (method) {
      case 'eth_getTransactionCount':
        assert.equal(params[1], 'pending');
        return '0x' + state.nonce.toString(16);
      case 'eth_chainId':
        return '0x1cbd';
      case 'qtm_getPublicKey':
        return state.registered ? { scheme: '0x1', schemeName: 'ML-DSA-44', publicKey: '0x' + '00'.repeat(1312) } : null;
      case 'eth_maxPriorityFeePerGas':
        return '0x3b9aca00';
      case 'eth_getBlockByNumber':
        return { baseFeePerGas: '0x7' };
      case 'eth_estimateGas':
        return '0x103bc'; // 66,492: what the node says for an unregistered sender
      case 'eth_sendRawTransaction': {
        sent.push(params[0] as string);
        const { transactionHash } = await import('../src/index.js');
        return transactionHash(params[0] as string);
      }
      case 'qtm_validators':
        return [{ address: '0x967f56c00fedeb517a1440d1e55891ca0c4a22de', scheme: '0x2', publicKey: '0x00', stake: '0x10' }];
      default:
        throw new Error('unexpected ' + method);
    }
  };
  return { request, calls, sent };
}

describe('rpc helpers', () => {
  it('prepareTransaction fills nonce, chain id, fees and gas; carries the key at nonce 0', async () => {
    const node = fakeNode({ nonce: 0, registered: false });
    const key = QtmKey.devAccount(1);
    const { request, includeKey } = await prepareTransaction(node.request, key, { to: QtmKey.devAccount(0).address, value: 1n });
    assert.equal(includeKey, true);
    assert.equal(request.nonce, 0n);
    assert.equal(request.chainId, 7357n);
    assert.equal(request.maxPriorityFeePerGas, 1_000_000_000n);
    assert.equal(request.maxFeePerGas, 2n * 7n + 1_000_000_000n);
    assert.equal(request.gasLimit, 66_492n);
  });

  it('leaves the key out once registered, carries it while not', async () => {
    const key = QtmKey.devAccount(1);
    assert.equal((await prepareTransaction(fakeNode({ nonce: 4, registered: true }).request, key, { to: key.address })).includeKey, false);
    assert.equal((await prepareTransaction(fakeNode({ nonce: 4, registered: false }).request, key, { to: key.address })).includeKey, true);
  });

  it('adds the ML-DSA-65/87 correction to the estimate of a first transaction', async () => {
    const key = QtmKey.fromSeed(new Uint8Array(32).fill(7), 3);
    const { request } = await prepareTransaction(fakeNode({ nonce: 0, registered: false }).request, key, { to: key.address });
    assert.equal(request.gasLimit, 66_492n + 6_500n + 16n * 1_280n);
    const account = qtmViemAccount(key);
    assert.equal(await estimateQtmGas(fakeNode({ nonce: 0, registered: false }).request, account, { to: key.address }), 66_492n + 26_980n);
  });

  it('sendTransaction signs what it prepared and checks the node hash', async () => {
    const node = fakeNode({ nonce: 2, registered: true });
    const key = QtmKey.devAccount(1);
    const signed = await sendTransaction(node.request, key, { to: QtmKey.devAccount(0).address, value: 5n });
    assert.equal(node.sent.length, 1);
    const tx = decodeTransaction(node.sent[0]!);
    assert.equal(tx.nonce, 2n);
    assert.equal(tx.publicKey.length, 0);
    assert.equal(tx.value, 5n);
    assert.equal(signed.raw, node.sent[0]);
  });

  it('typed results and errors', async () => {
    const node = fakeNode({ nonce: 0, registered: true });
    const key = await getPublicKey(node.request, QtmKey.devAccount(0).address);
    assert.equal(key?.scheme, 1);
    const validators = await getValidators(node.request);
    assert.equal(validators[0]!.address, '0x967f56C00FedEB517a1440d1E55891ca0C4A22dE');
    assert.equal(validators[0]!.stake, 16n);
    await assert.rejects(getPublicKey(node.request, '0x1234'), /invalid address/);
    assert.throws(() => toRequest(42 as never), /rpc target: expected a URL/);
    // An HTTP endpoint that answers with a JSON-RPC error.
    const { createServer } = await import('node:http');
    const server = createServer((_, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ jsonrpc: '2.0', id: 1, error: { code: -32601, message: 'the method qtm_x does not exist' } }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    try {
      await assert.rejects(getPublicKey(`http://127.0.0.1:${port}`, QtmKey.devAccount(0).address), (e: unknown) => e instanceof QtmRpcError && e.code === -32601);
    } finally {
      server.close();
    }
  });
});
