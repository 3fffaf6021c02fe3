// Validators: stake, commission, signing record and uptime, jailing and slashing.
import { get } from '../api.js';
import { addressLink, badge, blockLink, clear, fields, h, loading, section, table, txLink } from '../dom.js';
import { formatInt, formatPercent, formatQtm } from '../format.js';
import type { PageContext } from '../page.js';
import type { SlashingEvent, Validator, Validators } from '../types.js';

export async function validatorsPage(ctx: PageContext): Promise<void> {
  ctx.setTitle('Validators');
  clear(ctx.root, h('h1', null, 'Validators'), loading());
  const v = await get<Validators>('/api/validators', ctx.signal);
  if (ctx.signal.aborted) return;
  const events = v.validators.flatMap((val) => val.slashingEvents.map((e) => ({ validator: val.address, ...e })));
  clear(ctx.root,
    h('h1', null, 'Validators'),
    fields([
      ['As of block', v.blockNumber !== null ? blockLink(v.blockNumber) : '—', 'validators-block'],
      ['Epoch', formatInt(v.epoch), 'validators-epoch'],
      ['Validators', formatInt(v.validators.length), 'validators-count'],
    ]),
    table<Validator>([
      { title: 'Validator', cell: (x) => addressLink(x.address, true) },
      { title: 'Operator', cell: (x) => addressLink(x.operator, true) },
      { title: 'Scheme', cell: (x) => x.schemeName ?? '—' },
      { title: 'Stake', cell: (x) => formatQtm(x.stake), class: 'num' },
      { title: 'Voting power', cell: (x) => formatInt(x.votingPower), class: 'num' },
      { title: 'Commission', cell: (x) => formatPercent(x.commissionBps / 10_000), class: 'num' },
      { title: 'Signed', cell: (x) => formatInt(x.signedBlocks), class: 'num' },
      { title: 'Missed', cell: (x) => formatInt(x.missedBlocks), class: 'num' },
      { title: 'Uptime', cell: (x) => (x.uptime === null ? h('span', { class: 'muted', title: 'no commit certificates indexed' }, 'n/a') : formatPercent(x.uptime)), class: 'num' },
      { title: 'State', cell: (x) => (x.tombstoned ? badge('tombstoned', 'bad') : x.jailed ? badge('jailed', 'warn') : badge('active', 'ok')) },
      { title: 'Slashings', cell: (x) => formatInt(x.slashingEvents.length), class: 'num' },
    ], v.validators, { testid: 'validators-table', rowTestid: 'validator-row', empty: 'No validators.' }),
    section('Slashing events',
      table<SlashingEvent & { validator: string }>([
        { title: 'Validator', cell: (e) => addressLink(e.validator, true) },
        { title: 'Kind', cell: (e) => e.kind },
        { title: 'Amount', cell: (e) => formatQtm(e.amount), class: 'num' },
        { title: 'Block', cell: (e) => blockLink(e.blockNumber) },
        { title: 'Transaction', cell: (e) => txLink(e.txHash) },
      ], events, { testid: 'validators-slashing', empty: 'No slashing events.' })));
}
