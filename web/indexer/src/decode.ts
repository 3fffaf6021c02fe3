// Decoding of what the indexer knows: ERC-20 / ERC-721 Transfer events, the staking
// contract's events (contracts/IStaking.sol, docs/staking.md) and the calldata of the
// functions of those ABIs. A minimal ABI decoder for the types they use.
import { keccakHex } from './keccak.js';
import { toChecksumAddress } from './keccak.js';

export const STAKING_ADDRESS = '0x0000000000000000000000000000005374616b65';

export interface AbiParam { name: string; type: string; indexed?: boolean }
export interface AbiEvent { name: string; inputs: AbiParam[]; topic: string }
export interface AbiFunction { name: string; inputs: AbiParam[]; selector: string; signature: string }

const p = (spec: string): AbiParam[] =>
  spec === '' ? [] : spec.split(',').map((part) => {
    const words = part.trim().split(/\s+/);
    return { type: words[0], indexed: words.includes('indexed'), name: words[words.length - 1] };
  });

function event(name: string, spec: string): AbiEvent {
  const inputs = p(spec);
  return { name, inputs, topic: keccakHex(`${name}(${inputs.map((i) => i.type).join(',')})`) };
}

function fn(name: string, spec: string): AbiFunction {
  const inputs = p(spec);
  const signature = `${name}(${inputs.map((i) => i.type).join(',')})`;
  return { name, inputs, signature, selector: keccakHex(signature).slice(0, 10) };
}

export const TRANSFER_TOPIC = keccakHex('Transfer(address,address,uint256)');

export const ERC20_EVENTS = [
  event('Transfer', 'address indexed from, address indexed to, uint256 value'),
  event('Approval', 'address indexed owner, address indexed spender, uint256 value'),
];
export const ERC721_EVENTS = [
  event('Transfer', 'address indexed from, address indexed to, uint256 indexed tokenId'),
  event('Approval', 'address indexed owner, address indexed approved, uint256 indexed tokenId'),
  event('ApprovalForAll', 'address indexed owner, address indexed operator, bool approved'),
];
export const STAKING_EVENTS = [
  event('ValidatorCreated', 'address indexed operator, address indexed consensusAddress, address rewardAddress, uint16 commissionBps, uint256 selfStake'),
  event('ValidatorEdited', 'address indexed operator, address rewardAddress, uint16 commissionBps'),
  event('Delegated', 'address indexed delegator, address indexed validator, uint256 amount'),
  event('Undelegated', 'address indexed delegator, address indexed validator, uint256 amount, uint256 completionTime'),
  event('Withdrawn', 'address indexed delegator, uint256 amount'),
  event('RewardsClaimed', 'address indexed delegator, address indexed validator, uint256 amount'),
  event('Slashed', 'address indexed validator, uint64 infractionHeight, uint256 amount, uint8 reason'),
  event('Jailed', 'address indexed validator, uint64 until, uint8 reason'),
  event('Tombstoned', 'address indexed validator'),
  event('Unjailed', 'address indexed validator'),
];

export const FUNCTIONS: AbiFunction[] = [
  fn('transfer', 'address to, uint256 value'),
  fn('approve', 'address spender, uint256 value'),
  fn('transferFrom', 'address from, address to, uint256 value'),
  fn('safeTransferFrom', 'address from, address to, uint256 tokenId'),
  fn('safeTransferFrom', 'address from, address to, uint256 tokenId, bytes data'),
  fn('setApprovalForAll', 'address operator, bool approved'),
  fn('mint', 'address to, uint256 value'),
  fn('burn', 'uint256 value'),
  fn('createValidator', 'uint8 scheme, bytes consensusKey, bytes proofOfPossession, address rewardAddress, uint16 commissionBps'),
  fn('editValidator', 'address rewardAddress, uint16 commissionBps'),
  fn('delegate', 'address validator'),
  fn('undelegate', 'address validator, uint256 amount'),
  fn('withdraw', ''),
  fn('claimRewards', 'address validator'),
  fn('unjail', ''),
];
const bySelector = new Map(FUNCTIONS.map((f) => [f.selector, f]));

// A decoded value as the API shows it: addresses checksummed, integers as decimal strings,
// bytes as hex, booleans as booleans.
export type AbiValue = string | boolean;

function word(data: Buffer, offset: number): Buffer {
  if (offset < 0 || offset + 32 > data.length) throw new Error('out of range');
  return data.subarray(offset, offset + 32);
}
const big = (w: Buffer): bigint => BigInt('0x' + (w.toString('hex') || '0'));

function decodeValue(type: string, data: Buffer, offset: number): AbiValue {
  const w = word(data, offset);
  if (type === 'address') {
    if (!w.subarray(0, 12).equals(Buffer.alloc(12))) throw new Error('bad address');
    return toChecksumAddress(w.subarray(12).toString('hex'));
  }
  if (type === 'bool') {
    const v = big(w);
    if (v > 1n) throw new Error('bad bool');
    return v === 1n;
  }
  const uint = /^uint(\d*)$/.exec(type);
  if (uint) {
    const v = big(w);
    const bits = uint[1] ? Number(uint[1]) : 256;
    if (v >> BigInt(bits) !== 0n) throw new Error('bad uint');
    return v.toString();
  }
  const fixed = /^bytes(\d+)$/.exec(type);
  if (fixed) return '0x' + w.subarray(0, Number(fixed[1])).toString('hex');
  if (type === 'bytes' || type === 'string') {
    const start = Number(big(w));
    const length = Number(big(word(data, start)));
    if (start + 32 + length > data.length) throw new Error('out of range');
    const body = data.subarray(start + 32, start + 32 + length);
    return type === 'string' ? body.toString('utf8') : '0x' + body.toString('hex');
  }
  throw new Error(`unsupported type ${type}`);
}

export function decodeParams(params: AbiParam[], data: Buffer): Array<{ name: string; type: string; value: AbiValue }> {
  return params.map((param, i) => ({ name: param.name, type: param.type, value: decodeValue(param.type, data, i * 32) }));
}

export interface DecodedInput {
  signature: string;
  name: string;
  args: Array<{ name: string; type: string; value: AbiValue }>;
}

export function decodeInput(input: Buffer): DecodedInput | null {
  if (input.length < 4) return null;
  const f = bySelector.get('0x' + input.subarray(0, 4).toString('hex'));
  if (!f) return null;
  try {
    return { signature: f.signature, name: f.name, args: decodeParams(f.inputs, input.subarray(4)) };
  } catch {
    return null;
  }
}

export interface DecodedEvent { event: string; args: Record<string, AbiValue> }

export function decodeEventWith(events: AbiEvent[], topics: Buffer[], data: Buffer): DecodedEvent | null {
  if (topics.length === 0) return null;
  const topic0 = '0x' + topics[0].toString('hex');
  for (const e of events) {
    if (e.topic !== topic0) continue;
    const indexed = e.inputs.filter((i) => i.indexed);
    if (indexed.length !== topics.length - 1) continue;
    try {
      const args: Record<string, AbiValue> = {};
      indexed.forEach((input, i) => { args[input.name] = decodeValue(input.type, topics[i + 1], 0); });
      const rest = e.inputs.filter((i) => !i.indexed);
      if (data.length < rest.length * 32) continue;
      decodeParams(rest, data).forEach((a) => { args[a.name] = a.value; });
      return { event: e.name, args };
    } catch {
      continue;
    }
  }
  return null;
}

// Any log the indexer knows how to read (the staking contract's only from its address).
export function decodeLog(addressHex: string, topics: Buffer[], data: Buffer): DecodedEvent | null {
  if (addressHex.toLowerCase() === STAKING_ADDRESS) return decodeEventWith(STAKING_EVENTS, topics, data);
  return decodeEventWith(ERC20_EVENTS, topics, data) ?? decodeEventWith(ERC721_EVENTS, topics, data);
}

export interface TokenTransfer {
  standard: 'ERC-20' | 'ERC-721';
  from: Buffer;
  to: Buffer;
  value: bigint | null;
  tokenId: bigint | null;
}

const isAddressWord = (w: Buffer) => w.length === 32 && w.subarray(0, 12).equals(Buffer.alloc(12));

// ERC-20: Transfer with 3 topics and one data word; ERC-721: 4 topics and no data.
export function decodeTransfer(topics: Buffer[], data: Buffer): TokenTransfer | null {
  if (topics.length < 3 || '0x' + topics[0].toString('hex') !== TRANSFER_TOPIC) return null;
  if (!isAddressWord(topics[1]) || !isAddressWord(topics[2])) return null;
  const from = Buffer.from(topics[1].subarray(12));
  const to = Buffer.from(topics[2].subarray(12));
  if (topics.length === 3 && data.length === 32) return { standard: 'ERC-20', from, to, value: big(data), tokenId: null };
  if (topics.length === 4 && data.length === 0) return { standard: 'ERC-721', from, to, value: null, tokenId: big(topics[3]) };
  return null;
}

export interface StakingEvent {
  kind: string;
  validator: Buffer | null;
  delegator: Buffer | null;
  amount: bigint | null;
  args: Record<string, AbiValue>;
}

export function decodeStakingEvent(topics: Buffer[], data: Buffer): StakingEvent | null {
  const decoded = decodeEventWith(STAKING_EVENTS, topics, data);
  if (!decoded) return null;
  const a = decoded.args;
  const addr = (v: AbiValue | undefined) => (typeof v === 'string' && v.startsWith('0x') ? Buffer.from(v.slice(2), 'hex') : null);
  const validator = addr(a.validator ?? a.operator);
  const amount = a.amount ?? a.selfStake;
  return {
    kind: decoded.event,
    validator,
    delegator: addr(a.delegator),
    amount: typeof amount === 'string' ? BigInt(amount) : null,
    args: a,
  };
}

// ABI-encoded return values of the token metadata calls; null when not decodable.
export function decodeString(result: Buffer): string | null {
  try {
    if (result.length === 32) {
      // bytes32-style names (old tokens): up to the first zero byte.
      const end = result.indexOf(0);
      return result.subarray(0, end === -1 ? 32 : end).toString('utf8') || null;
    }
    const v = decodeValue('string', result, 0);
    return typeof v === 'string' ? v.replace(/\u0000/g, '') : null;
  } catch {
    return null;
  }
}

export function decodeUint(result: Buffer): bigint | null {
  return result.length >= 32 ? big(result.subarray(0, 32)) : null;
}

export const SELECTORS = {
  name: keccakHex('name()').slice(0, 10),
  symbol: keccakHex('symbol()').slice(0, 10),
  decimals: keccakHex('decimals()').slice(0, 10),
  totalSupply: keccakHex('totalSupply()').slice(0, 10),
};
