// Home: the node's head and finality, the indexer's height, throughput, and the latest
// blocks and transactions, refreshed every few seconds.
import { get } from '../api.js';
import { blockLink, clear, errorBox, fields, h, loading, section, table } from '../dom.js';
import { formatDecimal, formatInt } from '../format.js';
import { isAbort, type PageContext } from '../page.js';
import type { BlockSummary, Page, Status, TxSummary } from '../types.js';
import { blockColumns, txColumns } from './columns.js';

export const REFRESH_MS = 3000;

function stat(label: string, value: string, testid: string): HTMLElement {
  return h('div', { class: 'stat' }, h('div', { class: 'stat-label' }, label), h('div', { class: 'stat-value', testid }, value));
}

export async function homePage(ctx: PageContext): Promise<void> {
  ctx.setTitle('Home');
  const statsBox = h('div', { testid: 'home-status' }, loading());
  const blocksBox = h('div', null, loading());
  const txsBox = h('div', null, loading());
  const problem = h('div', { class: 'refresh-problem' });
  const updated = h('p', { class: 'muted', testid: 'home-updated' });
  clear(ctx.root,
    h('h1', null, 'QTM Explorer'),
    problem,
    statsBox,
    h('div', { class: 'columns' },
      section('Latest blocks', blocksBox),
      section('Latest transactions', txsBox)),
    updated);

  let timer: number | undefined;
  ctx.onCleanup(() => window.clearTimeout(timer));
  let first = true;

  const refresh = async () => {
    const results = await Promise.allSettled([
      get<Status>('/api/status', ctx.signal),
      get<Page<BlockSummary>>('/api/blocks?limit=10', ctx.signal),
      get<Page<TxSummary>>('/api/txs?limit=10', ctx.signal),
    ]);
    if (ctx.signal.aborted) return;
    const [status, blocks, txs] = results;
    const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected' && !isAbort(r.reason));
    if (status.status === 'fulfilled') {
      const s = status.value;
      clear(statsBox,
        h('div', { class: 'stats' },
          stat('Head', formatInt(s.nodeHead), 'home-head'),
          stat('Finalized', formatInt(s.finalized), 'home-finalized'),
          stat('Indexed', formatInt(s.indexed), 'home-indexed'),
          stat('TPS', formatDecimal(s.tps), 'home-tps'),
          stat('Block time', formatDecimal(s.blockTime, 's'), 'home-block-time'),
          stat('Transactions', formatInt(s.totalTransactions), 'home-total-txs')),
        fields([
          ['Chain id', s.chainId, 'home-chain-id'],
          ['Genesis', h('span', { class: 'mono' }, s.genesisHash)],
          ['Network', s.devChain ? 'development chain (qtmd --dev)' : 'network', 'home-network'],
          ['Latest indexed block', s.indexed !== null ? blockLink(s.indexed) : 'none yet'],
        ]));
    } else if (first) {
      clear(statsBox, errorBox(status.reason, 'status'));
    }
    if (blocks.status === 'fulfilled') {
      clear(blocksBox, table(blockColumns(), blocks.value.items, { testid: 'home-latest-blocks', rowTestid: 'home-block-row', empty: 'No blocks indexed yet.' }));
    } else if (first) {
      clear(blocksBox, errorBox(blocks.reason, 'latest blocks'));
    }
    if (txs.status === 'fulfilled') {
      clear(txsBox, table(txColumns(undefined, true), txs.value.items, { testid: 'home-latest-txs', rowTestid: 'home-tx-row', empty: 'No transactions indexed yet.' }));
    } else if (first) {
      clear(txsBox, errorBox(txs.reason, 'latest transactions'));
    }
    // After the first draw, a failed refresh keeps the last data and says so above it.
    if (!first && failures.length > 0) clear(problem, errorBox(failures[0]!.reason, 'refresh failed; showing the last data'));
    else clear(problem);
    first = false;
    updated.textContent = `Updated ${new Date().toLocaleTimeString()}; refreshed every ${REFRESH_MS / 1000} s.`;
  };

  const loop = async () => {
    try {
      await refresh();
    } catch (error) {
      if (!isAbort(error)) clear(problem, errorBox(error));
    }
    if (!ctx.signal.aborted) timer = window.setTimeout(loop, REFRESH_MS);
  };
  await loop();
}
