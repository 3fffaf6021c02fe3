// The search box on every page: /api/search, then the page it names; "not found" inline.
import { get, toApiError } from './api.js';
import { clear, h } from './dom.js';
import { navigate } from './router.js';
import type { SearchResult } from './types.js';

export function pathFor(result: SearchResult): string {
  const id = encodeURIComponent(String(result.id));
  switch (result.kind) {
    case 'block': return `/block/${id}`;
    case 'transaction': return `/tx/${id}`;
    case 'address': return `/address/${id}`;
    default: return `/address/${id}`;
  }
}

export function searchBox(): HTMLElement {
  const input = h('input', { type: 'search', name: 'q', placeholder: 'Block number or hash, transaction hash, address', autocomplete: 'off', spellcheck: false, testid: 'search-input', 'aria-label': 'Search' });
  const button = h('button', { type: 'submit', testid: 'search-submit' }, 'Search');
  const message = h('div', { class: 'search-message', testid: 'search-message', 'aria-live': 'polite' });
  const form = h('form', { class: 'search', role: 'search', testid: 'search-form' }, input, button, message);
  let seq = 0;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const q = input.value.trim();
    clear(message);
    if (!q) return;
    const mine = ++seq;
    button.disabled = true;
    get<SearchResult>(`/api/search?q=${encodeURIComponent(q)}`)
      .then((r) => {
        if (mine !== seq) return;
        input.value = '';
        navigate(pathFor(r));
      })
      .catch((error) => {
        if (mine !== seq) return;
        const e = toApiError(error);
        clear(message, h('span', { class: 'search-error', testid: 'search-error' },
          e.status === 404 && e.code === 'not_found' ? `not found: nothing matches “${q}”` : e.message));
      })
      .finally(() => {
        if (mine === seq) button.disabled = false;
      });
  });
  return form;
}

export function clearSearchMessage(form: HTMLElement): void {
  const message = form.querySelector('[data-testid="search-message"]');
  if (message) message.replaceChildren();
}
