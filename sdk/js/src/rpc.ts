// Small typed helpers for the node's JSON-RPC: the qtm_* methods (docs/rpc.md) and what a
// sender needs to fill a transaction. Each takes an RpcTarget: an HTTP URL, an EIP-1193
// provider ({ request }), a bare request function, or anything with send(method, params)
// (an ethers JsonRpcProvider).
import { bytesToHex, type Hex, hexToBytes, toBigInt } from './bytes.js';
import { QtmError, QtmRpcError } from './errors.js';
import { estimateGasCorrection, type QtmTransactionRequest, signTransaction, type SignedTransaction } from './transaction.js';
import { getAddress, parseScheme, QtmKey, type SchemeId, type SchemeName } from './keys.js';

export type RequestFn = (args: { method: string; params?: unknown[] }) => Promise<unknown>;
export type RpcTarget =
  | string
  | RequestFn
  | { request: RequestFn }
  | { send: (method: string, params: unknown[]) => Promise<unknown> };

let nextId = 1;

/** An EIP-1193 request function for a target. */
export function toRequest(target: RpcTarget): RequestFn {
  if (typeof target === 'function') return target;
  if (typeof target === 'string') {
    const url = target;
    return async ({ method, params = [] }) => {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: nextId++, method, params }),
      });
      const text = await response.text();
      let body: { result?: unknown; error?: { code: number; message: string; data?: unknown } };
      try {
        body = JSON.parse(text);
      } catch {
        throw new QtmRpcError(`${method}: HTTP ${response.status}, not JSON-RPC: ${text.slice(0, 200)}`, -32700);
      }
      if (body.error) throw new QtmRpcError(`${method}: ${body.error.message}`, body.error.code, body.error.data);
      return body.result;
    };
  }
  if (target != null && typeof (target as { request?: unknown }).request === 'function') {
    const provider = target as { request: RequestFn };
    return (args) => provider.request(args);
  }
  if (target != null && typeof (target as { send?: unknown }).send === 'function') {
    const provider = target as { send: (method: string, params: unknown[]) => Promise<unknown> };
    return ({ method, params = [] }) => provider.send(method, params);
  }
  throw new QtmError('rpc target: expected a URL, an EIP-1193 provider, a request function or a provider with send()');
}

async function call<T>(target: RpcTarget, method: string, params: unknown[] = []): Promise<T> {
  return (await toRequest(target)({ method, params })) as T;
}

export type BlockTag = 'latest' | 'pending' | 'earliest' | 'safe' | 'finalized' | Hex | bigint | number;

function blockParam(block: BlockTag): string {
  if (typeof block === 'bigint' || typeof block === 'number') return '0x' + toBigInt(block, 'block').toString(16);
  return block;
}

export interface RegisteredKey {
  scheme: SchemeId;
  schemeName: SchemeName | 'unknown';
  publicKey: Hex;
}

/** qtm_getPublicKey: the account's registered ML-DSA key, or null when none is registered. */
export async function getPublicKey(target: RpcTarget, address: string, block: BlockTag = 'latest'): Promise<RegisteredKey | null> {
  const result = await call<{ scheme: string; schemeName: string; publicKey: string } | null>(target, 'qtm_getPublicKey', [
    getAddress(address),
    blockParam(block),
  ]);
  if (result == null) return null;
  return {
    scheme: parseScheme(Number(result.scheme)),
    schemeName: result.schemeName as RegisteredKey['schemeName'],
    publicKey: bytesToHex(hexToBytes(result.publicKey, 'publicKey')),
  };
}

/** Whether the node has a key registered for the account (at `block`). */
export async function isKeyRegistered(target: RpcTarget, address: string, block: BlockTag = 'latest'): Promise<boolean> {
  return (await getPublicKey(target, address, block)) != null;
}

/** qtm_genesisHash. */
export async function getGenesisHash(target: RpcTarget): Promise<Hex> {
  return call<Hex>(target, 'qtm_genesisHash');
}

/** The chain spec as the node serves it (docs/protocol.md, "Chain spec"). */
export interface ChainSpec {
  name: string;
  chainId: number | string;
  genesisTime: number | string;
  blockTimeMs: number | string;
  gasLimit: number | string;
  maxBlockBytes: number | string;
  blockReward: number | string;
  epochLength: number | string;
  alloc: Record<string, { balance: string | number; nonce?: string | number; code?: string; storage?: Record<string, string> }>;
  validators: Array<{ scheme: number | string; publicKey: string; stake: string | number; address?: string }>;
  [field: string]: unknown;
}

/** qtm_chainSpec. */
export async function getChainSpec(target: RpcTarget): Promise<ChainSpec> {
  return call<ChainSpec>(target, 'qtm_chainSpec');
}

export interface Validator {
  address: Hex;
  scheme: SchemeId;
  publicKey: Hex;
  stake: bigint;
}

/** qtm_validators: the validator set (today: the genesis set). */
export async function getValidators(target: RpcTarget): Promise<Validator[]> {
  const result = await call<Array<{ address: string; scheme: string; publicKey: string; stake: string }>>(target, 'qtm_validators');
  return result.map((v) => ({
    address: getAddress(v.address),
    scheme: parseScheme(Number(v.scheme)),
    publicKey: v.publicKey as Hex,
    stake: toBigInt(v.stake, 'stake'),
  }));
}

/**
 * Whether a transaction from this sender must carry its public key: when its pending nonce
 * is 0 or when the node has no key registered for it.
 */
export async function mustIncludeKey(target: RpcTarget, address: string, nonce?: bigint): Promise<boolean> {
  if (nonce === 0n) return true;
  return !(await isKeyRegistered(target, address, 'latest'));
}

/** A request whose fields the node can fill in (see prepareTransaction). */
export type PartialRequest = Partial<QtmTransactionRequest>;

/**
 * Fills what a request leaves out from the node: nonce ("pending"), chain id, EIP-1559 fees
 * (tip from eth_maxPriorityFeePerGas, cap = 2 * base fee + tip), gas (eth_estimateGas plus
 * the correction for ML-DSA-65/87 first transactions), and whether the key is carried.
 */
export async function prepareTransaction(
  target: RpcTarget,
  key: QtmKey,
  request: PartialRequest,
): Promise<{ request: QtmTransactionRequest; includeKey: boolean }> {
  const rpc = toRequest(target);
  const from = key.address;
  const nonce =
    request.nonce != null
      ? toBigInt(request.nonce, 'nonce', 64)
      : toBigInt((await rpc({ method: 'eth_getTransactionCount', params: [from, 'pending'] })) as string, 'nonce', 64);
  const chainId =
    request.chainId != null ? toBigInt(request.chainId, 'chainId', 64) : toBigInt((await rpc({ method: 'eth_chainId' })) as string, 'chainId', 64);
  const includeKey = await mustIncludeKey(rpc, from, nonce);
  let tip = request.maxPriorityFeePerGas != null ? toBigInt(request.maxPriorityFeePerGas, 'maxPriorityFeePerGas') : undefined;
  let feeCap = request.maxFeePerGas != null ? toBigInt(request.maxFeePerGas, 'maxFeePerGas') : undefined;
  if (tip == null) tip = toBigInt((await rpc({ method: 'eth_maxPriorityFeePerGas' })) as string, 'maxPriorityFeePerGas');
  if (feeCap == null) {
    const block = (await rpc({ method: 'eth_getBlockByNumber', params: ['latest', false] })) as { baseFeePerGas?: string };
    feeCap = 2n * toBigInt(block.baseFeePerGas ?? '0x0', 'baseFeePerGas') + tip;
  }
  if (tip > feeCap) tip = feeCap;
  let gasLimit = request.gasLimit != null ? toBigInt(request.gasLimit, 'gasLimit', 64) : undefined;
  if (gasLimit == null) {
    const call: Record<string, unknown> = { from };
    if (request.to != null) call.to = getAddress(request.to);
    if (request.value != null) call.value = '0x' + toBigInt(request.value, 'value').toString(16);
    if (request.data != null) call.input = typeof request.data === 'string' ? request.data : bytesToHex(request.data);
    if (request.accessList != null) call.accessList = request.accessList;
    const estimate = toBigInt((await rpc({ method: 'eth_estimateGas', params: [call] })) as string, 'gas');
    gasLimit = estimate + estimateGasCorrection(key.scheme, !includeKey);
  }
  return {
    request: { ...request, chainId, nonce, maxPriorityFeePerGas: tip, maxFeePerGas: feeCap, gasLimit },
    includeKey,
  };
}

/** eth_sendRawTransaction; returns the hash the node reports. */
export async function sendRawTransaction(target: RpcTarget, raw: Hex): Promise<Hex> {
  return call<Hex>(target, 'eth_sendRawTransaction', [raw]);
}

/** Prepares (see prepareTransaction), signs and sends; returns the signed transaction. */
export async function sendTransaction(target: RpcTarget, key: QtmKey, request: PartialRequest): Promise<SignedTransaction> {
  const prepared = await prepareTransaction(target, key, request);
  const signed = signTransaction(prepared.request, key, { includeKey: prepared.includeKey });
  const hash = await sendRawTransaction(target, signed.raw);
  if (hash.toLowerCase() !== signed.hash.toLowerCase()) {
    throw new QtmError(`node reported hash ${hash} for a transaction whose hash is ${signed.hash}`);
  }
  return signed;
}

/** Polls eth_getTransactionReceipt until the transaction is mined (or the timeout passes). */
export async function waitForReceipt(
  target: RpcTarget,
  hash: Hex,
  options: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<Record<string, unknown>> {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  const rpc = toRequest(target);
  for (;;) {
    const receipt = (await rpc({ method: 'eth_getTransactionReceipt', params: [hash] })) as Record<string, unknown> | null;
    if (receipt != null) return receipt;
    if (Date.now() > deadline) throw new QtmError(`transaction ${hash} not mined within ${options.timeoutMs ?? 60_000} ms`);
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 250));
  }
}

