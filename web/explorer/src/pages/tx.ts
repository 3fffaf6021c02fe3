// A transaction: status, gas and fees (burned and tipped), its post-quantum signature
// (scheme, signature and public key sizes, key registration), decoded input, logs, transfers.
import { get } from '../api.js';
import { type Child, addressLink, badge, blockLink, clear, fields, h, loading, longHex, section, table } from '../dom.js';
import { formatBytes, formatGwei, formatInt, formatKb, formatPercent, formatQtm, formatTime, hexBytes, timeAgo } from '../format.js';
import type { PageContext } from '../page.js';
import type { DecodedArg, Log, Tx } from '../types.js';
import { statusBadge, transferColumns } from './columns.js';

// A decoded value (address, number string, bytes, nested arrays) as text or a link.
function decodedValue(type: string, value: unknown): Child {
  if (typeof value === 'string' && type === 'address' && /^0x[0-9a-fA-F]{40}$/.test(value)) return addressLink(value);
  if (typeof value === 'string') return h('span', { class: 'mono wrap' }, value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value === null || value === undefined) return '—';
  return h('span', { class: 'mono wrap' }, JSON.stringify(value));
}

function logView(log: Log): HTMLElement {
  let decoded: Child = h('span', { class: 'muted' }, 'not decoded (unknown event)');
  if (log.decoded) {
    const entries: [string, unknown][] = Array.isArray(log.decoded.args)
      ? log.decoded.args.map((v, i) => [String(i), v])
      : Object.entries(log.decoded.args ?? {});
    decoded = h('div', null,
      h('strong', { testid: 'log-event' }, log.decoded.event),
      fields(entries.map(([name, value]) => [name, decodedValue(typeof value === 'string' && /^0x[0-9a-fA-F]{40}$/.test(value) ? 'address' : '', value)])));
  }
  return h('div', { class: 'log', testid: 'tx-log' },
    fields([
      ['Log index', formatInt(log.logIndex)],
      ['Emitted by', addressLink(log.address)],
      ['Decoded', decoded],
      ['Topics', h('ul', { class: 'mono topics' }, ...log.topics.map((t, i) => h('li', null, `[${i}] ${t}`)))],
      ['Data', longHex(log.data)],
    ]));
}

export async function txPage(ctx: PageContext): Promise<void> {
  const hash = ctx.params[0] ?? '';
  ctx.setTitle(`Transaction ${hash.slice(0, 12)}…`);
  clear(ctx.root, h('h1', null, 'Transaction'), h('p', { class: 'mono wrap' }, hash), loading());
  const t = await get<Tx>(`/api/txs/${encodeURIComponent(hash)}`, ctx.signal);
  if (ctx.signal.aborted) return;
  const fee = t.feeBurned !== null && t.feeTipped !== null ? (BigInt(t.feeBurned) + BigInt(t.feeTipped)).toString() : null;
  const keyText = t.publicKeySize && t.publicKeySize > 0
    ? h('span', null, formatBytes(t.publicKeySize), ' ', h('span', { class: 'muted' }, `(${formatKb(t.publicKeySize)}, carried in this transaction)`))
    : h('span', null, formatBytes(t.publicKeySize ?? 0), ' ', h('span', { class: 'muted' }, '(the key was registered earlier)'));
  const inputSize = hexBytes(t.input);
  clear(ctx.root,
    h('h1', null, 'Transaction'),
    h('p', { class: 'mono wrap', testid: 'tx-hash' }, t.hash),
    fields([
      ['Status', statusBadge(t.status, 'tx-status')],
      ['Block', h('span', null, blockLink(t.blockNumber, { testid: 'tx-block' }), ` (index ${t.index})`)],
      ['Time', `${formatTime(t.timestamp)} (${timeAgo(t.timestamp)})`],
      ['From', addressLink(t.from, false, { testid: 'tx-from' })],
      t.to ? ['To', addressLink(t.to, false, { testid: 'tx-to' })] : null,
      t.contractAddress ? ['Contract created', addressLink(t.contractAddress, false, { testid: 'tx-contract' })] : null,
      ['Value', formatQtm(t.value), 'tx-value'],
      ['Nonce', formatInt(t.nonce), 'tx-nonce'],
    ], 'tx-fields'),
    section('Gas and fees', fields([
      ['Gas used', t.gasUsed !== null ? `${formatInt(t.gasUsed)} of ${formatInt(t.gasLimit)} (${formatPercent(t.gasLimit > 0 ? t.gasUsed / t.gasLimit : null)})` : '—', 'tx-gas-used'],
      ['Gas limit', formatInt(t.gasLimit), 'tx-gas-limit'],
      ['Effective gas price', formatGwei(t.effectiveGasPrice), 'tx-gas-price'],
      ['Max fee per gas', formatGwei(t.maxFeePerGas)],
      ['Max priority fee per gas', formatGwei(t.maxPriorityFeePerGas)],
      ['Fee burned', formatQtm(t.feeBurned), 'tx-fee-burned'],
      ['Fee tipped', formatQtm(t.feeTipped), 'tx-fee-tipped'],
      ['Total fee', formatQtm(fee), 'tx-fee-total'],
    ])),
    section('Post-quantum signature', fields([
      ['Scheme', h('span', null, h('span', { testid: 'tx-scheme' }, t.schemeName ?? (t.scheme !== null ? `scheme ${t.scheme}` : 'unknown')), t.scheme !== null ? h('span', { class: 'muted' }, ` (id ${t.scheme})`) : null)],
      ['Signature size', h('span', null, h('span', { testid: 'tx-signature-size' }, formatBytes(t.signatureSize)), ' ', h('span', { class: 'muted' }, formatKb(t.signatureSize)))],
      ['Public key size', h('span', { testid: 'tx-public-key-size' }, keyText)],
      ['Registers key', t.registersKey ? badge('yes: registers the sender\'s key', 'info', 'tx-registers-key') : badge('no', 'info', 'tx-registers-key')],
    ])),
    section('Input', fields([
      ['Size', formatBytes(inputSize)],
      ['Data', longHex(t.input, 'tx-input')],
      t.decodedInput ? ['Function', h('span', { class: 'mono', testid: 'tx-decoded-function' }, t.decodedInput.signature)] : null,
    ]),
    t.decodedInput
      ? table<DecodedArg>([
        { title: 'Name', cell: (a) => a.name },
        { title: 'Type', cell: (a) => h('span', { class: 'mono' }, a.type) },
        { title: 'Value', cell: (a) => decodedValue(a.type, a.value) },
      ], t.decodedInput.args, { testid: 'tx-decoded-input', empty: 'No arguments.' })
      : inputSize > 0 ? h('p', { class: 'muted' }, 'Input not decoded (no known ABI for this call).') : null),
    section(`Logs (${formatInt(t.logs.length)})`,
      t.logs.length ? h('div', { testid: 'tx-logs' }, ...t.logs.map(logView)) : h('p', { class: 'muted', testid: 'tx-logs' }, 'No logs.')),
    section(`Token transfers (${formatInt(t.tokenTransfers.length)})`,
      table(transferColumns(), t.tokenTransfers, { testid: 'tx-token-transfers', rowTestid: 'tx-transfer-row', empty: 'No token transfers.' })));
}
