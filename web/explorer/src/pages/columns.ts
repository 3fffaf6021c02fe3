// Table columns shared by several pages.
import { type Column, addressLink, badge, blockLink, h, tokenLink, txLink } from '../dom.js';
import { formatBytes, formatInt, formatQtm, formatTokenAmount, timeAgo } from '../format.js';
import type { BlockSummary, TokenTransfer, TxSummary } from '../types.js';

export function statusBadge(status: number | null, testid?: string): HTMLElement {
  if (status === 1) return badge('success', 'ok', testid);
  if (status === 0) return badge('failed', 'bad', testid);
  return badge('unknown', 'warn', testid);
}

const same = (a: string | null | undefined, b: string | null | undefined) => !!a && !!b && a.toLowerCase() === b.toLowerCase();

export function blockColumns(): Column<BlockSummary>[] {
  return [
    { title: 'Block', cell: (b) => blockLink(b.number, { testid: 'block-link' }) },
    { title: 'Age', cell: (b) => h('span', { title: new Date(b.timestamp * 1000).toISOString() }, timeAgo(b.timestamp)) },
    { title: 'Proposer', cell: (b) => addressLink(b.proposer, true) },
    { title: 'Txs', cell: (b) => formatInt(b.txCount), class: 'num' },
    { title: 'Gas used', cell: (b) => formatInt(b.gasUsed), class: 'num' },
    { title: 'Size', cell: (b) => formatBytes(b.size), class: 'num' },
  ];
}

// Transactions; with `self`, a direction column relative to that address; `compact` (the
// home page) leaves out the signature columns.
export function txColumns(self?: string, compact = false): Column<TxSummary>[] {
  const columns: Column<TxSummary>[] = [
    { title: 'Hash', cell: (t) => txLink(t.hash, true, { testid: 'tx-link' }) },
    { title: 'Block', cell: (t) => blockLink(t.blockNumber) },
    { title: 'From', cell: (t) => addressLink(t.from, true) },
  ];
  if (!compact) columns.splice(2, 0, { title: 'Age', cell: (t) => timeAgo(t.timestamp) });
  if (self) {
    columns.push({
      title: '',
      cell: (t) => {
        const out = same(t.from, self);
        const inn = same(t.to, self) || same(t.contractAddress, self);
        return badge(out && inn ? 'self' : out ? 'out' : 'in', out && !inn ? 'warn' : 'ok');
      },
    });
  }
  columns.push(
    { title: 'To', cell: (t) => (t.to ? addressLink(t.to, true) : t.contractAddress ? h('span', null, 'create ', addressLink(t.contractAddress, true)) : '—') },
    { title: 'Value', cell: (t) => formatQtm(t.value), class: 'num' },
  );
  if (!compact) {
    columns.push(
      { title: 'Scheme', cell: (t) => t.schemeName ?? '—' },
      { title: 'Signature', cell: (t) => formatBytes(t.signatureSize), class: 'num' },
      { title: 'Key', cell: (t) => (t.registersKey ? badge('registers key', 'info') : '') },
    );
  }
  columns.push({ title: 'Status', cell: (t) => statusBadge(t.status) });
  return columns;
}

export function transferColumns(opts: { showToken?: boolean } = {}): Column<TokenTransfer>[] {
  const columns: Column<TokenTransfer>[] = [
    { title: 'Transaction', cell: (t) => txLink(t.txHash) },
    { title: 'Block', cell: (t) => blockLink(t.blockNumber) },
  ];
  if (opts.showToken !== false) columns.push({ title: 'Token', cell: (t) => tokenLink(t.token) });
  columns.push(
    { title: 'From', cell: (t) => addressLink(t.from, true) },
    { title: 'To', cell: (t) => addressLink(t.to, true) },
    { title: 'Amount', cell: (t) => formatTokenAmount(t.value, t.tokenId, t.token), class: 'num' },
  );
  return columns;
}
