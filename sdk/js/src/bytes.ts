import { QtmError } from './errors.js';

/** A 0x-prefixed hex string. */
export type Hex = `0x${string}`;
/** Bytes given as a Uint8Array or a 0x-prefixed hex string. */
export type BytesLike = Uint8Array | string;
/** An integer given as a bigint, a safe JS integer, a decimal string or a 0x-hex string. */
export type IntegerLike = bigint | number | string;

const HEX_RE = /^0x([0-9a-fA-F]{2})*$/;

export function isHex(value: unknown): value is Hex {
  return typeof value === 'string' && HEX_RE.test(value);
}

/** Parses 0x-prefixed hex (an even number of digits) into bytes; `what` names the field in errors. */
export function hexToBytes(hex: string, what = 'value'): Uint8Array {
  if (typeof hex !== 'string' || !HEX_RE.test(hex)) {
    throw new QtmError(`${what}: expected 0x-prefixed hex with an even number of digits`);
  }
  const out = new Uint8Array((hex.length - 2) / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 + 2 * i, 4 + 2 * i), 16);
  return out;
}

export function bytesToHex(bytes: Uint8Array): Hex {
  let out = '0x';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out as Hex;
}

/** Bytes from a Uint8Array (copied) or 0x-hex. */
export function toBytes(value: BytesLike, what = 'value'): Uint8Array {
  if (value instanceof Uint8Array) return Uint8Array.from(value);
  if (typeof value === 'string') return hexToBytes(value, what);
  throw new QtmError(`${what}: expected a Uint8Array or 0x-prefixed hex`);
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

export function utf8ToBytes(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** A non-negative integer below 2^bits, from any IntegerLike form. */
export function toBigInt(value: IntegerLike, what = 'value', bits = 256): bigint {
  let out: bigint;
  if (typeof value === 'bigint') {
    out = value;
  } else if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) {
      throw new QtmError(`${what}: ${value} is not a safe integer; pass a bigint or a string`);
    }
    out = BigInt(value);
  } else if (typeof value === 'string' && /^(0x[0-9a-fA-F]+|[0-9]+)$/.test(value)) {
    out = BigInt(value);
  } else {
    throw new QtmError(`${what}: expected a bigint, a safe integer, a decimal or 0x-hex string`);
  }
  if (out < 0n) throw new QtmError(`${what}: must not be negative`);
  if (out >> BigInt(bits) !== 0n) throw new QtmError(`${what}: does not fit in ${bits} bits`);
  return out;
}

/** Minimal big-endian bytes of a non-negative integer (0 is empty), as RLP encodes integers. */
export function bigIntToBytes(value: bigint): Uint8Array {
  if (value === 0n) return new Uint8Array(0);
  let hex = value.toString(16);
  if (hex.length % 2) hex = '0' + hex;
  return hexToBytes('0x' + hex);
}

export function bytesToBigInt(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt(bytesToHex(bytes));
}

export function be32(value: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value, false);
  return out;
}
