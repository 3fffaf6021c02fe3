// Hex <-> bytes and quantities, strict: a malformed value from the node is a GarbageError.
import { GarbageError } from './rpc.js';
import { toChecksumAddress } from './keccak.js';

const HEX = /^0x[0-9a-fA-F]*$/;

export function bytes(value: unknown, what: string): Buffer {
  if (typeof value !== 'string' || !HEX.test(value) || value.length % 2 !== 0) {
    throw new GarbageError(`${what}: expected 0x-hex bytes, got ${JSON.stringify(value)?.slice(0, 80)}`);
  }
  return Buffer.from(value.slice(2), 'hex');
}

export function bytesN(value: unknown, n: number, what: string): Buffer {
  const b = bytes(value, what);
  if (b.length !== n) throw new GarbageError(`${what}: expected ${n} bytes, got ${b.length}`);
  return b;
}

export const address = (value: unknown, what: string) => bytesN(value, 20, what);
export const hash32 = (value: unknown, what: string) => bytesN(value, 32, what);

export function optionalAddress(value: unknown, what: string): Buffer | null {
  return value === null || value === undefined ? null : address(value, what);
}

export function quantity(value: unknown, what: string): bigint {
  if (typeof value !== 'string' || !/^0x[0-9a-fA-F]+$/.test(value)) {
    throw new GarbageError(`${what}: expected a 0x quantity, got ${JSON.stringify(value)?.slice(0, 80)}`);
  }
  return BigInt(value);
}

export function optionalQuantity(value: unknown, what: string): bigint | null {
  return value === null || value === undefined ? null : quantity(value, what);
}

export function smallQuantity(value: unknown, what: string): number {
  const q = quantity(value, what);
  if (q > BigInt(Number.MAX_SAFE_INTEGER)) throw new GarbageError(`${what}: ${q} is too large`);
  return Number(q);
}

export const toHex = (b: Buffer | Uint8Array | null | undefined): string | null =>
  b == null ? null : '0x' + Buffer.from(b).toString('hex');

export const toAddress = (b: Buffer | Uint8Array | null | undefined): string | null =>
  b == null ? null : toChecksumAddress(Buffer.from(b).toString('hex'));

export const hexQ = (n: number | bigint): string => '0x' + n.toString(16);

export const SCHEME_NAMES: Record<number, string> = { 1: 'ML-DSA-44', 2: 'ML-DSA-65', 3: 'ML-DSA-87' };
export const schemeName = (s: number | null | undefined): string | null =>
  s == null ? null : (SCHEME_NAMES[s] ?? `scheme ${s}`);
