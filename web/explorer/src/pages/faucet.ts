// The faucet: an address → POST /api/faucet; the transaction hash, or why not (disabled,
// rate-limited with the wait, a bad address).
import { ApiError, get, post, toApiError } from '../api.js';
import { clear, errorBox, h, txLink } from '../dom.js';
import { formatInt, formatQtm } from '../format.js';
import { isAbort, type PageContext } from '../page.js';
import type { FaucetInfo, FaucetResult } from '../types.js';

function failure(error: ApiError): HTMLElement {
  if (error.status === 403 && error.code === 'faucet_disabled') {
    return h('div', { class: 'error', role: 'alert', testid: 'faucet-error' },
      h('strong', null, 'The faucet is disabled'), h('p', null, error.message), h('p', { class: 'muted' }, `code ${error.code}`));
  }
  if (error.status === 429) {
    const wait = error.retryAfter !== null ? `Try again in ${formatInt(Math.ceil(error.retryAfter))} s.` : 'Try again later.';
    return h('div', { class: 'error', role: 'alert', testid: 'faucet-error' },
      h('strong', null, 'Rate limited'), h('p', null, error.message), h('p', { testid: 'faucet-retry-after' }, wait));
  }
  const box = errorBox(error, 'faucet');
  box.dataset['testid'] = 'faucet-error';
  return box;
}

export async function faucetPage(ctx: PageContext): Promise<void> {
  ctx.setTitle('Faucet');
  const info = h('div', { testid: 'faucet-info' }, h('p', { class: 'loading' }, 'Checking the faucet…'));
  const input = h('input', { type: 'text', name: 'address', placeholder: '0x… (40 hex digits)', autocomplete: 'off', spellcheck: false, testid: 'faucet-address', 'aria-label': 'Address to fund' });
  const button = h('button', { type: 'submit', testid: 'faucet-submit' }, 'Send test QTM');
  const result = h('div', { testid: 'faucet-result', 'aria-live': 'polite' });
  const form = h('form', { class: 'faucet-form', testid: 'faucet-form' }, input, button);
  clear(ctx.root, h('h1', null, 'Faucet'), info, form, result);

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const address = input.value.trim();
    if (!/^0x[0-9a-fA-F]{40}$/.test(address)) {
      clear(result, h('div', { class: 'error', role: 'alert', testid: 'faucet-error' }, h('strong', null, 'Not an address'), h('p', null, 'Enter 0x and 40 hex digits.')));
      return;
    }
    button.disabled = true;
    clear(result, h('p', { class: 'loading', testid: 'loading' }, 'Sending…'));
    post<FaucetResult>('/api/faucet', { address }, ctx.signal)
      .then((r) => {
        if (ctx.signal.aborted) return;
        clear(result, h('div', { class: 'success', testid: 'faucet-success' },
          h('strong', null, `Sent ${formatQtm(r.amount)}`), h('p', null, 'Transaction ', txLink(r.txHash, false, { testid: 'faucet-tx' })),
          h('p', { class: 'muted' }, 'It shows here once its block is final and indexed.')));
      })
      .catch((error) => {
        if (isAbort(error) || ctx.signal.aborted) return;
        clear(result, failure(toApiError(error)));
      })
      .finally(() => {
        button.disabled = false;
      });
  });

  try {
    const f = await get<FaucetInfo>('/api/faucet', ctx.signal);
    if (ctx.signal.aborted) return;
    if (f.enabled) {
      clear(info, h('p', { testid: 'faucet-status' },
        `Sends ${formatQtm(f.amount ?? null)} of test funds`,
        f.intervalSeconds ? ` per address and per IP every ${formatInt(f.intervalSeconds)} s` : '',
        f.address ? ` from ${f.address}.` : '.'));
    } else {
      clear(info, h('div', { class: 'notice', testid: 'faucet-disabled' },
        h('strong', null, 'The faucet is disabled'), h('p', null, f.reason ?? 'this explorer has no faucet configured')));
    }
  } catch (error) {
    if (isAbort(error)) return;
    // Older servers may not answer GET /api/faucet; the form still works (POST says why not).
    clear(info, h('p', { class: 'muted' }, `Faucet status unknown (${toApiError(error).describe()}).`));
  }
}
