// An address: balance in QTM (exact), nonce, signature scheme and registered key with the
// transaction that registered it, contract creator and code, tokens, and its paginated history.
import { get } from '../api.js';
import { addressLink, badge, blockLink, clear, fields, h, link, loading, longHex, section, table, tokenLink, txLink } from '../dom.js';
import { formatBytes, formatInt, formatQtm, formatTokenAmount, groupDigits, hexBytes } from '../format.js';
import { type PageContext, pagedList } from '../page.js';
import type { AddressInfo, TokenInfo, TokenTransfer, TxSummary } from '../types.js';
import { transferColumns, txColumns } from './columns.js';

export async function addressPage(ctx: PageContext): Promise<void> {
  const address = ctx.params[0] ?? '';
  ctx.setTitle(`Address ${address.slice(0, 10)}…`);
  clear(ctx.root, h('h1', null, 'Address'), h('p', { class: 'mono wrap' }, address), loading());
  const a = await get<AddressInfo>(`/api/address/${encodeURIComponent(address)}`, ctx.signal);
  if (ctx.signal.aborted) return;
  const base = `/api/address/${encodeURIComponent(a.address)}`;
  const kind = a.token ? `${a.token.standard} token contract` : a.isContract ? 'contract' : 'account';
  clear(ctx.root,
    h('h1', null, a.isContract ? 'Contract' : 'Address', ' ', badge(kind, 'info', 'address-kind')),
    h('p', { class: 'mono wrap', testid: 'address-address' }, a.address),
    fields([
      ['Balance', h('span', null,
        h('span', { testid: 'address-balance' }, formatQtm(a.balance)),
        h('span', { class: 'muted' }, ' = ', h('span', { testid: 'address-balance-wei' }, `${groupDigits(a.balance)} wei`)))],
      ['Nonce', formatInt(a.nonce), 'address-nonce'],
      ['Transactions', formatInt(a.txCount), 'address-tx-count'],
      ['Signature scheme', a.schemeName ?? (a.scheme !== null ? `scheme ${a.scheme}` : a.isContract ? 'none (a contract has no key)' : 'no key registered yet (it has sent no transaction)'), 'address-scheme'],
      a.publicKey ? ['Registered key', h('span', null, formatBytes(hexBytes(a.publicKey)), ' ', longHex(a.publicKey, 'address-public-key'))] : null,
      a.keyRegistration ? ['Key registered in', h('span', { testid: 'address-key-registration' },
        'transaction ', txLink(a.keyRegistration.txHash, true, { testid: 'address-key-tx' }), ' in block ', blockLink(a.keyRegistration.blockNumber))] : null,
      a.contract ? ['Creator', h('span', { testid: 'address-creator' },
        addressLink(a.contract.creator), ' in transaction ', txLink(a.contract.txHash), ' (block ', blockLink(a.contract.blockNumber), ')')] : null,
      a.isContract ? ['Code size', formatBytes(a.contract?.codeSize ?? a.codeSize), 'address-code-size'] : null,
      a.token ? ['Token', h('span', null, tokenLink(a.token, { testid: 'address-token-link' }), ` — ${a.token.name ?? 'unnamed'} (${a.token.standard})`)] : null,
    ], 'address-fields'),
    a.code ? section('Code', h('p', { class: 'muted' }, `${formatBytes(hexBytes(a.code))} of EVM bytecode (no verified source: the explorer shows the deployed code)`),
      longHex(a.code, 'address-code')) : null,
    section('Token holdings',
      table<{ token: TokenInfo; balance: string }>([
        { title: 'Token', cell: (t) => tokenLink(t.token) },
        { title: 'Name', cell: (t) => t.token.name ?? '—' },
        { title: 'Standard', cell: (t) => t.token.standard },
        { title: 'Balance', cell: (t) => (t.token.standard === 'ERC-721' ? `${formatInt(t.balance)} NFT${t.balance === '1' ? '' : 's'}` : formatTokenAmount(t.balance, null, t.token)), class: 'num' },
        { title: 'Contract', cell: (t) => link(`/address/${t.token.address}`, t.token.address, { class: 'mono' }) },
      ], a.tokens, { testid: 'address-tokens', rowTestid: 'address-token-row', empty: 'No tokens.' })),
    section('Transactions (newest first)',
      pagedList<TxSummary>(ctx, { path: `${base}/txs`, columns: txColumns(a.address), testid: 'address-txs', rowTestid: 'address-tx-row', empty: 'No transactions.' })),
    section('Token transfers (newest first)',
      pagedList<TokenTransfer>(ctx, { path: `${base}/transfers`, columns: transferColumns(), testid: 'address-transfers', rowTestid: 'address-transfer-row', empty: 'No token transfers.' })));
}
