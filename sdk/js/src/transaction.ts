// The QTM transaction (docs/protocol.md, "Transactions"), byte for byte as
// src/chain/transaction.cpp:
//
//   0x51 || rlp([chain_id, nonce, max_priority_fee_per_gas, max_fee_per_gas, gas_limit,
//                from, to, value, data, access_list, scheme_id, public_key, signature])
//
// signing digest = keccak256(0x51 || rlp([...the first eleven fields...])),
// signature = deterministic pure ML-DSA of the digest with context "qtm/tx/v1",
// hash = keccak256(whole encoding).
import {
  bigIntToBytes,
  bytesToBigInt,
  bytesToHex,
  type BytesLike,
  concatBytes,
  type Hex,
  type IntegerLike,
  toBigInt,
  toBytes,
} from './bytes.js';
import { QtmError } from './errors.js';
import {
  addressOf,
  getAddress,
  keccak256,
  parseScheme,
  QtmKey,
  type SchemeId,
  type SchemeName,
  schemeInfo,
  toChecksumAddress,
  verifySignature,
} from './keys.js';
import { type RlpItem, rlpDecode, rlpEncode } from './rlp.js';

export const TRANSACTION_TYPE = 0x51;
export const TRANSACTION_CONTEXT = 'qtm/tx/v1';
/** The largest encoded transaction the node accepts (128 KiB). */
export const MAX_TRANSACTION_SIZE = 128 * 1024;

export interface AccessListEntry {
  address: Hex;
  storageKeys: Hex[];
}

/** A transaction with every field known (addresses checksummed, integers as bigint). */
export interface QtmTransaction {
  chainId: bigint;
  nonce: bigint;
  maxPriorityFeePerGas: bigint;
  maxFeePerGas: bigint;
  gasLimit: bigint;
  from: Hex;
  /** null for a contract creation. */
  to: Hex | null;
  value: bigint;
  data: Uint8Array;
  accessList: AccessListEntry[];
  scheme: SchemeId;
  /** The sender's public key on its first transaction; empty once the key is registered. */
  publicKey: Uint8Array;
  /** Empty until signed. */
  signature: Uint8Array;
}

/** What a caller gives to build a transaction; missing optional fields default to 0 / empty. */
export interface QtmTransactionRequest {
  chainId: IntegerLike;
  nonce: IntegerLike;
  maxPriorityFeePerGas?: IntegerLike;
  maxFeePerGas: IntegerLike;
  gasLimit: IntegerLike;
  /** Contract creation when null or absent. */
  to?: string | null;
  value?: IntegerLike;
  data?: BytesLike;
  accessList?: ReadonlyArray<{ address: string; storageKeys: ReadonlyArray<string> }>;
}

/** A signed transaction: its fields, the raw 0x51 encoding and its hash. */
export interface SignedTransaction {
  transaction: QtmTransaction;
  raw: Hex;
  hash: Hex;
  signingDigest: Hex;
}

function normalizeAccessList(list: QtmTransactionRequest['accessList']): AccessListEntry[] {
  if (list == null) return [];
  if (!Array.isArray(list)) throw new QtmError('accessList: expected an array of {address, storageKeys}');
  return list.map((entry, i) => {
    const keys: ReadonlyArray<string> = entry?.storageKeys ?? [];
    return {
      address: getAddress(entry.address),
      storageKeys: keys.map((key, j) => {
        const bytes = toBytes(key, `accessList[${i}].storageKeys[${j}]`);
        if (bytes.length !== 32) throw new QtmError(`accessList[${i}].storageKeys[${j}]: expected 32 bytes`);
        return bytesToHex(bytes);
      }),
    };
  });
}

/** The unsigned transaction a request describes, for the sender `key`. */
export function buildTransaction(
  request: QtmTransactionRequest,
  sender: { scheme: SchemeId | SchemeName; address: string },
): QtmTransaction {
  if (request == null || typeof request !== 'object') throw new QtmError('transaction: expected an object');
  const tip = toBigInt(request.maxPriorityFeePerGas ?? 0n, 'maxPriorityFeePerGas');
  const feeCap = toBigInt(request.maxFeePerGas, 'maxFeePerGas');
  if (tip > feeCap) {
    throw new QtmError('maxPriorityFeePerGas must not exceed maxFeePerGas (the node refuses it)');
  }
  return {
    chainId: toBigInt(request.chainId, 'chainId', 64),
    nonce: toBigInt(request.nonce, 'nonce', 64),
    maxPriorityFeePerGas: tip,
    maxFeePerGas: feeCap,
    gasLimit: toBigInt(request.gasLimit, 'gasLimit', 64),
    from: getAddress(sender.address),
    to: request.to == null ? null : getAddress(request.to),
    value: toBigInt(request.value ?? 0n, 'value'),
    data: toBytes(request.data ?? new Uint8Array(0), 'data'),
    accessList: normalizeAccessList(request.accessList),
    scheme: parseScheme(sender.scheme),
    publicKey: new Uint8Array(0),
    signature: new Uint8Array(0),
  };
}

function fields(tx: QtmTransaction): RlpItem[] {
  return [
    bigIntToBytes(tx.chainId),
    bigIntToBytes(tx.nonce),
    bigIntToBytes(tx.maxPriorityFeePerGas),
    bigIntToBytes(tx.maxFeePerGas),
    bigIntToBytes(tx.gasLimit),
    toBytes(tx.from, 'from'),
    tx.to == null ? new Uint8Array(0) : toBytes(tx.to, 'to'),
    bigIntToBytes(tx.value),
    tx.data,
    tx.accessList.map((e) => [toBytes(e.address, 'accessList address'), e.storageKeys.map((k) => toBytes(k, 'storage key'))]),
    bigIntToBytes(BigInt(tx.scheme)),
  ];
}

function typed(payload: RlpItem[]): Uint8Array {
  return concatBytes(Uint8Array.of(TRANSACTION_TYPE), rlpEncode(payload));
}

/** keccak256(0x51 || rlp(every field but the public key and the signature)). */
export function signingDigest(tx: QtmTransaction): Uint8Array {
  return keccak256(typed(fields(tx)));
}

export function encodeTransaction(tx: QtmTransaction): Uint8Array {
  return typed([...fields(tx), tx.publicKey, tx.signature]);
}

/** The transaction hash: keccak256 of the encoding (of a transaction or of raw bytes). */
export function transactionHash(tx: QtmTransaction | BytesLike): Hex {
  const raw = tx instanceof Uint8Array || typeof tx === 'string' ? toBytes(tx, 'raw transaction') : encodeTransaction(tx);
  return bytesToHex(keccak256(raw));
}

/**
 * Signs with `key` (which sets `from` and `scheme`): deterministic ML-DSA over the signing
 * digest with context "qtm/tx/v1". `includeKey` carries the public key, which an account's
 * first transaction must do (the node registers it); later ones leave it out.
 */
export function signTransaction(
  request: QtmTransactionRequest | QtmTransaction,
  key: QtmKey,
  options: { includeKey: boolean },
): SignedTransaction {
  if (!(key instanceof QtmKey)) throw new QtmError('signTransaction: expected a QtmKey');
  if (typeof options?.includeKey !== 'boolean') {
    throw new QtmError('signTransaction: say whether the public key is included ({ includeKey: true | false })');
  }
  const tx = buildTransaction(request as QtmTransactionRequest, key);
  tx.publicKey = options.includeKey ? Uint8Array.from(key.publicKey) : new Uint8Array(0);
  const digest = signingDigest(tx);
  tx.signature = key.sign(digest, TRANSACTION_CONTEXT);
  const raw = encodeTransaction(tx);
  if (raw.length > MAX_TRANSACTION_SIZE) {
    throw new QtmError(`transaction is ${raw.length} bytes; the node accepts at most ${MAX_TRANSACTION_SIZE}`);
  }
  return { transaction: tx, raw: bytesToHex(raw), hash: bytesToHex(keccak256(raw)), signingDigest: bytesToHex(digest) };
}

function decodeError(why: string): never {
  throw new QtmError(`invalid QTM transaction: ${why}`);
}

function asBytes(item: RlpItem | undefined, what: string): Uint8Array {
  if (!(item instanceof Uint8Array)) decodeError(`${what} must be a byte string`);
  return item;
}

function asInteger(item: RlpItem | undefined, what: string, bits: number): bigint {
  const bytes = asBytes(item, what);
  if (bytes.length > 0 && bytes[0] === 0) decodeError(`${what} has leading zero bytes`);
  if (bytes.length * 8 > bits) decodeError(`${what} does not fit in ${bits} bits`);
  return bytesToBigInt(bytes);
}

function asList(item: RlpItem | undefined, what: string): RlpItem[] {
  if (!Array.isArray(item)) decodeError(`${what} must be a list`);
  return item;
}

/** Decodes raw 0x51 bytes with the node's checks; throws QtmError naming what is wrong. */
export function decodeTransaction(raw: BytesLike): QtmTransaction {
  const bytes = toBytes(raw, 'raw transaction');
  if (bytes.length === 0) decodeError('empty');
  if (bytes[0] !== TRANSACTION_TYPE) {
    decodeError(`type 0x${bytes[0]!.toString(16).padStart(2, '0')} is not supported (QTM accepts only type 0x51)`);
  }
  if (bytes.length > MAX_TRANSACTION_SIZE) decodeError(`larger than ${MAX_TRANSACTION_SIZE} bytes`);
  let top: RlpItem;
  try {
    top = rlpDecode(bytes.subarray(1));
  } catch (error) {
    decodeError((error as Error).message);
  }
  const f = asList(top, 'the payload');
  if (f.length !== 13) decodeError(`expected 13 fields, got ${f.length}`);
  const from = asBytes(f[5], 'from');
  if (from.length !== 20) decodeError('from must be 20 bytes');
  const to = asBytes(f[6], 'to');
  if (to.length !== 0 && to.length !== 20) decodeError('to must be empty or 20 bytes');
  const accessList = asList(f[9], 'accessList').map((entry, i) => {
    const e = asList(entry, `accessList[${i}]`);
    if (e.length !== 2) decodeError(`accessList[${i}] must be [address, storageKeys]`);
    const address = asBytes(e[0], `accessList[${i}].address`);
    if (address.length !== 20) decodeError(`accessList[${i}].address must be 20 bytes`);
    const keys = asList(e[1], `accessList[${i}].storageKeys`).map((k, j) => {
      const key = asBytes(k, `accessList[${i}].storageKeys[${j}]`);
      if (key.length !== 32) decodeError(`accessList[${i}].storageKeys[${j}] must be 32 bytes`);
      return bytesToHex(key);
    });
    return { address: toChecksumAddress(address), storageKeys: keys };
  });
  const schemeId = asInteger(f[10], 'scheme', 64);
  if (schemeId < 1n || schemeId > 3n) decodeError(`unknown signature scheme id ${schemeId}`);
  const scheme = Number(schemeId) as SchemeId;
  const sizes = schemeInfo(scheme);
  const publicKey = asBytes(f[11], 'publicKey');
  if (publicKey.length !== 0 && publicKey.length !== sizes.publicKey) {
    decodeError(`public key length ${publicKey.length} does not match ${sizes.name} (${sizes.publicKey})`);
  }
  const signature = asBytes(f[12], 'signature');
  if (signature.length !== sizes.signature) {
    decodeError(`signature length ${signature.length} does not match ${sizes.name} (${sizes.signature})`);
  }
  return {
    chainId: asInteger(f[0], 'chainId', 64),
    nonce: asInteger(f[1], 'nonce', 64),
    maxPriorityFeePerGas: asInteger(f[2], 'maxPriorityFeePerGas', 256),
    maxFeePerGas: asInteger(f[3], 'maxFeePerGas', 256),
    gasLimit: asInteger(f[4], 'gasLimit', 64),
    from: toChecksumAddress(from),
    to: to.length === 0 ? null : toChecksumAddress(to),
    value: asInteger(f[7], 'value', 256),
    data: asBytes(f[8], 'data'),
    accessList,
    scheme,
    publicKey,
    signature,
  };
}

/**
 * Checks a transaction's signature as the node does: against the key it carries (which must
 * derive `from`), or else against `registeredKey` (the sender's key in the state).
 */
export function verifyTransaction(tx: QtmTransaction, registeredKey?: BytesLike | null): boolean {
  let key: Uint8Array;
  if (tx.publicKey.length > 0) {
    if (addressOf(tx.scheme, tx.publicKey) !== getAddress(tx.from)) return false;
    key = tx.publicKey;
  } else {
    if (registeredKey == null) return false;
    key = toBytes(registeredKey, 'registeredKey');
  }
  return verifySignature(tx.scheme, key, signingDigest(tx), tx.signature, TRANSACTION_CONTEXT);
}

/**
 * The node's intrinsic gas for a transaction: Ethereum's (21,000; 53,000 for a creation plus
 * 2 per initcode word; 4/16 per zero/non-zero data byte; 2,400 per access-list address and
 * 1,900 per key) plus the scheme's verification cost and, when the key is carried,
 * 20,000 + 16 per key byte.
 */
export function intrinsicGas(tx: {
  to?: string | null;
  data?: BytesLike;
  accessList?: ReadonlyArray<{ storageKeys: ReadonlyArray<unknown> }>;
  scheme: SchemeId | SchemeName;
  includeKey: boolean;
}): bigint {
  const data = toBytes(tx.data ?? new Uint8Array(0), 'data');
  const create = tx.to == null;
  let gas = create ? 53000n : 21000n;
  for (const b of data) gas += b === 0 ? 4n : 16n;
  for (const entry of tx.accessList ?? []) gas += 2400n + 1900n * BigInt(entry.storageKeys.length);
  if (create) gas += 2n * BigInt(Math.ceil(data.length / 32));
  const info = schemeInfo(tx.scheme);
  gas += info.verificationGas;
  if (tx.includeKey) gas += 20000n + 16n * BigInt(info.publicKey);
  return gas;
}

/**
 * What eth_estimateGas misses for this sender: a node prices an unknown sender as ML-DSA-44
 * carrying its key, so an ML-DSA-65/87 account's first transaction needs the difference in
 * verification and key-registration cost added. 0 for ML-DSA-44 or a registered key.
 */
export function estimateGasCorrection(scheme: SchemeId | SchemeName, keyRegistered: boolean): bigint {
  if (keyRegistered) return 0n;
  const mine = schemeInfo(scheme);
  const assumed = schemeInfo(1);
  return mine.verificationGas - assumed.verificationGas + 16n * BigInt(mine.publicKey - assumed.publicKey);
}
