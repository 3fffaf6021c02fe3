// A token: its ERC-20/721 info, holder and transfer counts, and its transfers.
import { get } from '../api.js';
import { addressLink, clear, fields, h, loading, section } from '../dom.js';
import { formatInt, formatTokenAmount } from '../format.js';
import { type PageContext, pagedList } from '../page.js';
import type { Token, TokenTransfer } from '../types.js';
import { transferColumns } from './columns.js';

export async function tokenPage(ctx: PageContext): Promise<void> {
  const address = ctx.params[0] ?? '';
  ctx.setTitle(`Token ${address.slice(0, 10)}…`);
  clear(ctx.root, h('h1', null, 'Token'), h('p', { class: 'mono wrap' }, address), loading());
  const t = await get<Token>(`/api/tokens/${encodeURIComponent(address)}`, ctx.signal);
  if (ctx.signal.aborted) return;
  ctx.setTitle(`Token ${t.symbol ?? t.name ?? t.address}`);
  clear(ctx.root,
    h('h1', null, h('span', { testid: 'token-name' }, t.name ?? 'Unnamed token'), t.symbol ? h('span', { class: 'muted' }, ` (${t.symbol})`) : null),
    fields([
      ['Contract', addressLink(t.address), 'token-address'],
      ['Standard', t.standard, 'token-standard'],
      ['Symbol', t.symbol ?? '—', 'token-symbol'],
      t.standard === 'ERC-20' ? ['Decimals', t.decimals !== null ? String(t.decimals) : '—', 'token-decimals'] : null,
      ['Total supply', t.totalSupply === null ? '—' : t.standard === 'ERC-721' ? `${formatInt(t.totalSupply)} tokens` : formatTokenAmount(t.totalSupply, null, t), 'token-total-supply'],
      ['Holders', formatInt(t.holders), 'token-holders'],
      ['Transfers', formatInt(t.transfers), 'token-transfers-count'],
    ], 'token-fields'),
    section('Transfers (newest first)',
      pagedList<TokenTransfer>(ctx, { path: `/api/tokens/${encodeURIComponent(t.address)}/transfers`, columns: transferColumns({ showToken: false }), testid: 'token-transfers', rowTestid: 'token-transfer-row', empty: 'No transfers.' })));
}
