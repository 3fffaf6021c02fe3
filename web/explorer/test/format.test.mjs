// The explorer's formatting (dist/format.js, built by `npm run build`): exact amounts from
// decimal strings, whatever their size, never through floating point.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatBytes, formatInt, formatQtm, formatTokenAmount, formatUnits, groupDigits, timeAgo } from '../dist/format.js';

test('formatUnits: exact, trailing zeros dropped, digits grouped', () => {
  assert.equal(formatUnits('1500000000000000000', 18), '1.5');
  assert.equal(formatUnits('1', 18), '0.000000000000000001');
  assert.equal(formatUnits('0', 18), '0');
  assert.equal(formatUnits('1234567890123456789', 18), '1.234567890123456789');
  assert.equal(formatUnits('98999998499406499020449146', 18), '98,999,998.499406499020449146');
  assert.equal(formatUnits('115792089237316195423570985008687907853269984665640564039457584007913129639935', 18),
    '115,792,089,237,316,195,423,570,985,008,687,907,853,269,984,665,640,564,039,457.584007913129639935');
  assert.equal(formatUnits('12345000', 3), '12,345');
  assert.equal(formatUnits('12345000', 0), '12,345,000');
  assert.equal(formatUnits('000123', 2), '1.23');
  assert.equal(formatUnits('-5', 1), '-0.5');
  assert.equal(formatUnits('1000', 3, false), '1');
  assert.equal(formatUnits('abc', 18), 'abc');
});

test('QTM, tokens, sizes, integers', () => {
  assert.equal(formatQtm('1000000000000000000000'), '1,000 QTM');
  assert.equal(formatQtm(null), '—');
  assert.equal(formatTokenAmount('1000', null, { decimals: 6, symbol: 'EXC', standard: 'ERC-20' }), '0.001 EXC');
  assert.equal(formatTokenAmount(null, '7', { decimals: null, symbol: 'ART', standard: 'ERC-721' }), '#7');
  assert.equal(formatBytes(2420), '2,420 bytes');
  assert.equal(formatBytes(1), '1 byte');
  assert.equal(formatInt(1312), '1,312');
  assert.equal(formatInt('10000000000000000000000000'), '10,000,000,000,000,000,000,000,000');
  assert.equal(groupDigits('999'), '999');
});

test('timeAgo: past and a clock that runs ahead', () => {
  assert.equal(timeAgo(100, 130), '30 s ago');
  assert.equal(timeAgo(100, 100 + 7200), '2 h ago');
  assert.equal(timeAgo(150, 100), '50 s ahead');
  assert.equal(timeAgo(700, 100), '10 min ahead');
  assert.equal(timeAgo(101.4, 100), 'just now');
});
