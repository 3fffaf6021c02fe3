// Formatting for people: exact decimal amounts from the API's decimal strings (BigInt and
// string arithmetic only, never floating point), digit grouping, sizes, times.

const DIGITS = /^[0-9]+$/;

// "1234567" → "1,234,567" (a string of decimal digits, any length).
export function groupDigits(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export function formatInt(n: number | bigint | string | null | undefined): string {
  if (n === null || n === undefined) return '—';
  const s = typeof n === 'string' ? n : typeof n === 'bigint' ? n.toString() : Number.isInteger(n) ? n.toFixed(0) : String(n);
  const negative = s.startsWith('-');
  const body = negative ? s.slice(1) : s;
  if (!DIGITS.test(body)) return s;
  return (negative ? '-' : '') + groupDigits(body.replace(/^0+(?=\d)/, ''));
}

// A decimal string of base units → the exact amount with `decimals` decimals, trailing
// zeros dropped: formatUnits("1500000000000000000", 18) = "1.5",
// formatUnits("1", 18) = "0.000000000000000001", formatUnits("12345000", 3) = "12,345".
export function formatUnits(value: string | null | undefined, decimals: number, group = true): string {
  if (value === null || value === undefined) return '—';
  const negative = value.startsWith('-');
  let digits = negative ? value.slice(1) : value;
  if (!DIGITS.test(digits) || !Number.isInteger(decimals) || decimals < 0) return value;
  digits = digits.replace(/^0+(?=\d)/, '');
  const padded = digits.padStart(decimals + 1, '0');
  const whole = padded.slice(0, padded.length - decimals);
  const fraction = padded.slice(padded.length - decimals).replace(/0+$/, '');
  const wholeText = group ? groupDigits(whole) : whole;
  return (negative ? '-' : '') + (fraction ? `${wholeText}.${fraction}` : wholeText);
}

export function formatQtm(wei: string | null | undefined): string {
  return wei === null || wei === undefined ? '—' : `${formatUnits(wei, 18)} QTM`;
}

export function formatGwei(wei: string | null | undefined): string {
  return wei === null || wei === undefined ? '—' : `${formatUnits(wei, 9)} gwei`;
}

// A token amount with its decimals and symbol (ERC-20), or the token id (ERC-721).
export function formatTokenAmount(value: string | null, tokenId: string | null, token: { decimals: number | null; symbol: string | null; standard: string }): string {
  if (tokenId !== null && tokenId !== undefined) return `#${tokenId}`;
  if (value === null || value === undefined) return '—';
  const amount = token.decimals !== null && token.decimals !== undefined ? formatUnits(value, token.decimals) : formatInt(value);
  return token.symbol ? `${amount} ${token.symbol}` : amount;
}

// 2420 → "2,420 bytes"; the KB figure is separate (kilobytes).
export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—';
  return `${formatInt(n)} ${n === 1 ? 'byte' : 'bytes'}`;
}

export function formatKb(n: number | null | undefined): string {
  if (n === null || n === undefined) return '';
  return `${(n / 1000).toFixed(n < 10_000 ? 2 : 1)} KB`;
}

export function formatTime(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '—';
  const d = new Date(seconds * 1000);
  if (Number.isNaN(d.getTime())) return String(seconds);
  return d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}

export function timeAgo(seconds: number | null | undefined, now = Date.now() / 1000): string {
  if (seconds === null || seconds === undefined) return '—';
  const delta = Math.round(now - seconds);
  // Block timestamps can run ahead of this computer's clock (a dev chain makes blocks faster
  // than one per second, its clock skewed): say so instead of a negative age.
  if (delta < 0 && delta > -2) return 'just now';
  const span = Math.abs(delta);
  const text = span < 60 ? `${span} s` : span < 3600 ? `${Math.floor(span / 60)} min` : span < 86400 ? `${Math.floor(span / 3600)} h` : `${formatInt(Math.floor(span / 86400))} d`;
  return delta < 0 ? `${text} ahead` : `${text} ago`;
}

// A float for a rate or duration, a few significant digits: 0.5 → "0.5", 12.345 → "12.3".
export function formatDecimal(x: number | null | undefined, unit = ''): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  const text = x === 0 ? '0' : Math.abs(x) >= 100 ? formatInt(Math.round(x)) : Math.abs(x) >= 1 ? x.toFixed(2).replace(/\.?0+$/, '') : x.toPrecision(3).replace(/\.?0+$/, '');
  return unit ? `${text} ${unit}` : text;
}

export function formatPercent(ratio: number | null | undefined): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return '—';
  return `${(ratio * 100).toFixed(2).replace(/\.?0+$/, '')}%`;
}

export function shortHash(hex: string | null | undefined, keep = 10): string {
  if (!hex) return '—';
  return hex.length <= keep * 2 + 1 ? hex : `${hex.slice(0, keep)}…${hex.slice(-6)}`;
}

// The byte length of 0x-hex.
export function hexBytes(hex: string | null | undefined): number {
  if (!hex) return 0;
  return Math.floor(hex.replace(/^0x/, '').length / 2);
}
