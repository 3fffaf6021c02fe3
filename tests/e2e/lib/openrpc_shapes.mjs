// The response shapes of the Ethereum execution-apis OpenRPC specification
// (github.com/ethereum/execution-apis, src/schemas/*.yaml and src/eth/*.yaml, read at commit
// 033ca6e6), written here by hand: the schema files are not in ../shared/testdata. Each
// shape keeps the spec's required fields, patterns and `additionalProperties: false`.
//
// A shape is: a base type name ('uint', 'hash32', ...), 'null', 'boolean', 'ratio', 'integer',
// { object: { field: shape }, optional: { field: shape }, closed: true|false },
// { array: shape }, or { oneOf: [shape, ...] }.

export const BASE = {
  uint: /^0x(0|[1-9a-f][0-9a-f]*)$/,
  uint64: /^0x(0|[1-9a-f][0-9a-f]{0,15})$/,
  uint256: /^0x(0|[1-9a-f][0-9a-f]{0,63})$/,
  uintDecimal: /^(0|[1-9][0-9]*)$/,
  byte: /^0x[0-9a-f]{1,2}$/,
  bytes: /^0x[0-9a-f]*$/,
  bytesMax32: /^0x[0-9a-f]{0,64}$/,
  bytes8: /^0x[0-9a-f]{16}$/,
  bytes32: /^0x[0-9a-f]{64}$/,
  bytes65: /^0x[0-9a-f]{130}$/,
  bytes256: /^0x[0-9a-f]{512}$/,
  hash32: /^0x[0-9a-f]{64}$/,
  address: /^0x[0-9a-fA-F]{40}$/,
};

const nullable = (shape) => ({ oneOf: ['null', shape] });

export const Log = {
  object: { transactionHash: 'hash32' },
  optional: {
    removed: 'boolean', logIndex: 'uint', transactionIndex: 'uint', blockHash: 'hash32', blockNumber: 'uint',
    blockTimestamp: 'uint', address: 'address', data: 'bytes', topics: { array: 'bytes32' },
  },
  closed: true,
};

export const ReceiptInfo = {
  object: {
    blockHash: 'hash32', blockNumber: 'uint', from: 'address', cumulativeGasUsed: 'uint', gasUsed: 'uint',
    logs: { array: Log }, logsBloom: 'bytes256', transactionHash: 'hash32', transactionIndex: 'uint', effectiveGasPrice: 'uint',
  },
  optional: {
    type: 'byte', to: nullable('address'), blobGasUsed: 'uint', contractAddress: nullable('address'), root: 'hash32',
    status: 'uint', blobGasPrice: 'uint',
  },
  closed: true,
};

const AccessList = { array: { object: { address: 'address', storageKeys: { array: 'hash32' } }, closed: true } };

// TransactionInfo = the block fields + Transaction1559Signed (QTM's fee fields are 1559's).
export const TransactionInfo = {
  object: {
    blockHash: 'hash32', blockNumber: 'uint', blockTimestamp: 'uint', from: 'address', hash: 'hash32', transactionIndex: 'uint',
    type: { pattern: /^0x2$/ }, nonce: 'uint', gas: 'uint', value: 'uint', input: 'bytes', maxFeePerGas: 'uint',
    maxPriorityFeePerGas: 'uint', gasPrice: 'uint', chainId: 'uint', accessList: AccessList, r: 'uint', s: 'uint',
  },
  optional: { to: nullable('address'), yParity: 'uint', v: 'uint' },
  closed: false,
};

export const Block = {
  object: {
    hash: 'hash32', parentHash: 'hash32', sha3Uncles: 'hash32', miner: 'address', stateRoot: 'hash32',
    transactionsRoot: 'hash32', receiptsRoot: 'hash32', logsBloom: 'bytes256', number: 'uint', gasLimit: 'uint',
    gasUsed: 'uint', timestamp: 'uint', extraData: 'bytes', mixHash: 'hash32', nonce: 'bytes8', size: 'uint',
    // The spec: an array of hashes or an array of transactions (checked per item here).
    transactions: { array: { oneOf: ['hash32', TransactionInfo] } }, uncles: { array: 'hash32' },
  },
  optional: {
    difficulty: 'uint', baseFeePerGas: 'uint', withdrawalsRoot: 'hash32', blobGasUsed: 'uint', excessBlobGas: 'uint',
    parentBeaconBlockRoot: 'hash32', requestsHash: 'hash32', blockAccessListHash: 'hash32',
    withdrawals: { array: { object: { index: 'uint64', validatorIndex: 'uint64', address: 'address', amount: 'uint256' }, closed: true } },
  },
  closed: false,
};

export const FeeHistory = {
  object: { oldestBlock: 'uint', baseFeePerGas: { array: 'uint' }, gasUsedRatio: { array: 'ratio' } },
  optional: { baseFeePerBlobGas: { array: 'uint' }, blobGasUsedRatio: { array: 'ratio' }, reward: { array: { array: 'uint' } } },
  closed: true,
};

export const AccountProof = {
  object: {
    address: 'address', accountProof: { array: 'bytes' }, balance: 'uint256', codeHash: 'hash32', nonce: 'uint64',
    storageHash: 'hash32',
    storageProof: { array: { object: { key: 'bytesMax32', value: 'uint256', proof: { array: 'bytes' } }, closed: true } },
  },
  closed: true,
};

export const SyncingStatus = {
  oneOf: ['boolean', { object: {}, optional: { startingBlock: 'uint', currentBlock: 'uint', highestBlock: 'uint' }, closed: true }],
};

export const AccessListResult = { object: { accessList: AccessList, gasUsed: 'uint' }, optional: { error: 'string' }, closed: false };

export const SignTransactionResult = { object: { raw: 'bytes', tx: { object: {}, closed: false } }, closed: false };

export const FilterResults = { oneOf: [{ array: 'hash32' }, { array: Log }] };

// eth_simulateV1 (src/schemas/execute.yaml): each block is a Block with the results of its calls.
const CallResultLog = {
  object: {
    logIndex: 'uint256', blockNumber: 'uint64', transactionHash: 'hash32', transactionIndex: 'uint256', address: 'address',
    data: 'bytes', topics: { array: 'bytes32' },
  },
  optional: { blockHash: 'hash32', removed: 'boolean' },
  closed: false,
};
const CallResultFailure = {
  object: {
    status: { pattern: /^0x0$/ }, returnData: 'bytes', gasUsed: 'uint64',
    error: { object: { code: 'integer', message: 'string' }, optional: { data: 'bytes' }, closed: false },
  },
  closed: false,
};
const CallResultSuccess = {
  object: { status: { pattern: /^0x1$/ }, returnData: 'bytes', gasUsed: 'uint64', logs: { array: CallResultLog } },
  closed: false,
};
export const SimulatedBlock = {
  ...Block,
  object: { ...Block.object, calls: { array: { oneOf: [CallResultFailure, CallResultSuccess] } } },
};

function kindOf(shape) {
  if (typeof shape === 'string') return { null: 'null', boolean: 'boolean', ratio: 'number', integer: 'number' }[shape] ?? 'string';
  if (shape.pattern) return 'string';
  if (shape.array) return 'array';
  if (shape.object) return 'object';
  return null;
}

function kindOfValue(value) {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

// Every way `value` differs from `shape`, as "path: what" lines (empty when it conforms).
export function mismatches(value, shape, path = '$') {
  if (typeof shape === 'string') {
    if (shape === 'null') return value === null ? [] : [`${path}: expected null`];
    if (shape === 'boolean') return typeof value === 'boolean' ? [] : [`${path}: expected a boolean, got ${JSON.stringify(value)}`];
    if (shape === 'string') return typeof value === 'string' ? [] : [`${path}: expected a string`];
    if (shape === 'integer') return Number.isInteger(value) ? [] : [`${path}: expected an integer, got ${JSON.stringify(value)}`];
    if (shape === 'ratio') return typeof value === 'number' && value >= 0 && value <= 1 ? [] : [`${path}: expected a ratio in [0, 1], got ${JSON.stringify(value)}`];
    const pattern = BASE[shape];
    if (!pattern) throw new Error(`unknown shape ${shape}`);
    return typeof value === 'string' && pattern.test(value) ? [] : [`${path}: expected ${shape}, got ${JSON.stringify(value)?.slice(0, 80)}`];
  }
  if (shape.pattern) return typeof value === 'string' && shape.pattern.test(value) ? [] : [`${path}: expected ${shape.pattern}, got ${JSON.stringify(value)}`];
  if (shape.oneOf) {
    // Of the branches that expect this kind of value (a string, an object, ...), the closest.
    const sameKind = shape.oneOf.filter((s) => kindOf(s) === null || kindOf(s) === kindOfValue(value));
    const each = (sameKind.length > 0 ? sameKind : shape.oneOf).map((s) => mismatches(value, s, path));
    return each.some((m) => m.length === 0) ? [] : each.sort((a, b) => a.length - b.length)[0];
  }
  if (shape.array) {
    if (!Array.isArray(value)) return [`${path}: expected an array`];
    return value.flatMap((item, i) => mismatches(item, shape.array, `${path}[${i}]`));
  }
  if (shape.object) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return [`${path}: expected an object`];
    const out = [];
    for (const [key, s] of Object.entries(shape.object)) {
      if (!(key in value)) out.push(`${path}.${key}: required, missing`);
      else out.push(...mismatches(value[key], s, `${path}.${key}`));
    }
    for (const [key, s] of Object.entries(shape.optional ?? {})) {
      if (key in value) out.push(...mismatches(value[key], s, `${path}.${key}`));
    }
    if (shape.closed) {
      for (const key of Object.keys(value)) {
        if (!(key in shape.object) && !(key in (shape.optional ?? {}))) out.push(`${path}.${key}: not in the schema (additionalProperties: false)`);
      }
    }
    return out;
  }
  throw new Error(`bad shape at ${path}`);
}
