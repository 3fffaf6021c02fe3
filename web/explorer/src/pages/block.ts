// A block: its fields, its commit certificate's signers (none on qtmd --dev), its transactions.
import { get } from '../api.js';
import { addressLink, badge, blockLink, clear, fields, h, link, loading, section, table } from '../dom.js';
import { formatBytes, formatGwei, formatInt, formatKb, formatPercent, formatTime, timeAgo } from '../format.js';
import type { PageContext } from '../page.js';
import type { Block, CommitSigner } from '../types.js';
import { txColumns } from './columns.js';

export async function blockPage(ctx: PageContext): Promise<void> {
  const id = ctx.params[0] ?? '';
  ctx.setTitle(`Block ${id}`);
  clear(ctx.root, h('h1', null, 'Block ', h('span', { class: 'mono' }, id)), loading());
  const b = await get<Block>(`/api/blocks/${encodeURIComponent(id)}`, ctx.signal);
  if (ctx.signal.aborted) return;
  ctx.setTitle(`Block ${b.number}`);
  const commit = b.commit
    ? h('div', { testid: 'block-commit' },
      fields([
        ['Round', formatInt(b.commit.round), 'block-commit-round'],
        ['Certificate size', h('span', null, formatBytes(b.commit.certificateSize), ' ', h('span', { class: 'muted' }, formatKb(b.commit.certificateSize)))],
        ['Signers', formatInt(b.commit.signers.length), 'block-commit-signer-count'],
      ]),
      table<CommitSigner>([
        { title: 'Index', cell: (s) => formatInt(s.index), class: 'num' },
        { title: 'Validator', cell: (s) => addressLink(s.address) },
      ], b.commit.signers, { testid: 'block-signers', rowTestid: 'block-signer-row', empty: 'No signers.' }))
    : h('p', { class: 'muted', testid: 'block-commit' }, 'no commit certificate (dev chain)');
  clear(ctx.root,
    h('h1', null, 'Block ', h('span', { testid: 'block-number' }, formatInt(b.number))),
    h('p', { class: 'nav-row' },
      b.number > 0 ? link(`/block/${b.number - 1}`, '← previous', { testid: 'block-prev' }) : null,
      ' ',
      link(`/block/${b.number + 1}`, 'next →', { testid: 'block-next' })),
    fields([
      ['Number', formatInt(b.number)],
      ['Hash', h('span', { class: 'mono' }, b.hash), 'block-hash'],
      ['Parent', b.number > 0 ? link(`/block/${b.parentHash}`, b.parentHash, { class: 'mono' }) : h('span', { class: 'mono' }, b.parentHash), 'block-parent'],
      ['Time', `${formatTime(b.timestamp)} (${timeAgo(b.timestamp)})`, 'block-time'],
      ['Proposer', addressLink(b.proposer), 'block-proposer'],
      ['Finality', b.final ? badge('final', 'ok') : badge('not final', 'warn'), 'block-final'],
      ['Transactions', formatInt(b.txCount), 'block-tx-count'],
      ['Gas used', `${formatInt(b.gasUsed)} of ${formatInt(b.gasLimit)} (${formatPercent(b.gasLimit > 0 ? b.gasUsed / b.gasLimit : null)})`, 'block-gas'],
      ['Base fee', formatGwei(b.baseFeePerGas), 'block-base-fee'],
      ['Size', h('span', null, formatBytes(b.size), ' ', h('span', { class: 'muted' }, formatKb(b.size))), 'block-size'],
      ['State root', h('span', { class: 'mono' }, b.stateRoot)],
    ], 'block-fields'),
    section('Commit certificate', commit),
    section(`Transactions (${formatInt(b.transactions.length)})`,
      table(txColumns(), b.transactions, { testid: 'block-txs', rowTestid: 'block-tx-row', empty: 'No transactions in this block.' })),
    b.number === 0 ? h('p', { class: 'muted' }, 'The genesis block.') : null,
    h('p', { class: 'muted' }, 'Block ', blockLink(b.number), ' as indexed from the node.'));
}
