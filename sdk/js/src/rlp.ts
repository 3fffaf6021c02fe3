// Ethereum's RLP (Yellow Paper, Appendix B) with the node's strict canonical decoding: a
// single byte below 0x80 must be itself, short forms must be used when they fit, lengths
// have no leading zeros, and nothing may follow the item.
import { concatBytes } from './bytes.js';
import { QtmError } from './errors.js';

export type RlpItem = Uint8Array | RlpItem[];

function header(length: number, offset: number): Uint8Array {
  if (length < 56) return Uint8Array.of(offset + length);
  const lengthBytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) lengthBytes.unshift(n % 256);
  return Uint8Array.of(offset + 55 + lengthBytes.length, ...lengthBytes);
}

export function rlpEncode(item: RlpItem): Uint8Array {
  if (item instanceof Uint8Array) {
    if (item.length === 1 && item[0]! < 0x80) return Uint8Array.from(item);
    return concatBytes(header(item.length, 0x80), item);
  }
  const payload = concatBytes(...item.map(rlpEncode));
  return concatBytes(header(payload.length, 0xc0), payload);
}

function malformed(why: string): never {
  throw new QtmError(`rlp: ${why}`);
}

// Decodes one item at `pos`; returns it and the position after it.
function decodeAt(input: Uint8Array, pos: number, end: number): [RlpItem, number] {
  if (pos >= end) malformed('input ends before the item');
  const prefix = input[pos]!;
  if (prefix < 0x80) return [input.slice(pos, pos + 1), pos + 1];
  const isList = prefix >= 0xc0;
  const base = isList ? 0xc0 : 0x80;
  let length: number;
  let start: number;
  if (prefix - base < 56) {
    length = prefix - base;
    start = pos + 1;
  } else {
    const lengthOfLength = prefix - base - 55;
    if (pos + 1 + lengthOfLength > end) malformed('input ends inside a length');
    if (input[pos + 1] === 0) malformed('length with leading zeros');
    length = 0;
    for (let i = 0; i < lengthOfLength; i++) length = length * 256 + input[pos + 1 + i]!;
    if (length < 56) malformed('long form for a payload under 56 bytes');
    start = pos + 1 + lengthOfLength;
  }
  if (start + length > end) malformed('item runs past the input');
  if (!isList) {
    if (length === 1 && input[start]! < 0x80) malformed('single byte below 0x80 in long form');
    return [input.slice(start, start + length), start + length];
  }
  const items: RlpItem[] = [];
  let p = start;
  while (p < start + length) {
    const [child, next] = decodeAt(input, p, start + length);
    items.push(child);
    p = next;
  }
  return [items, start + length];
}

export function rlpDecode(input: Uint8Array): RlpItem {
  const [item, next] = decodeAt(input, 0, input.length);
  if (next !== input.length) malformed('bytes after the item');
  return item;
}
