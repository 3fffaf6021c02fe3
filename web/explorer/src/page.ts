// What a page gets from the router: where to draw, a signal aborted when the user navigates
// away (fetches are cancelled and late answers dropped), and cleanups (timers).
import { get, toApiError, withQuery } from './api.js';
import { type Column, type Child, errorBox, h, loading, table, tableRows } from './dom.js';
import type { Page } from './types.js';

export interface PageContext {
  root: HTMLElement;
  params: string[];
  signal: AbortSignal;
  onCleanup(fn: () => void): void;
  setTitle(title: string): void;
}

export type PageRenderer = (ctx: PageContext) => void | Promise<void>;

export function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}

// A keyset-paginated list (newest first): the first page, then "Older" loads the page after
// the `next` cursor and appends it. Errors are shown in place of the list or under it.
export function pagedList<T>(ctx: PageContext, opts: {
  path: string;
  columns: Column<T>[];
  testid: string;
  rowTestid?: string;
  empty: string;
  limit?: number;
}): HTMLElement {
  const box = h('div', { class: 'paged', testid: `${opts.testid}-box` }, loading());
  const limit = opts.limit ?? 25;
  let tbody: HTMLTableSectionElement | null = null;
  const footer = h('div', { class: 'pager' });
  const load = async (cursor: string | null) => {
    const page = await get<Page<T>>(withQuery(opts.path, { limit, cursor }), ctx.signal);
    if (ctx.signal.aborted) return;
    if (tbody === null) {
      const wrap = table(opts.columns, page.items, { testid: opts.testid, ...(opts.rowTestid ? { rowTestid: opts.rowTestid } : {}), empty: opts.empty });
      tbody = wrap.querySelector('tbody');
      box.replaceChildren(wrap, footer);
    } else {
      tbody.append(...tableRows(opts.columns, page.items, opts.rowTestid));
    }
    renderFooter(page.next);
  };
  const renderFooter = (next: string | null, extra: Child = null) => {
    footer.replaceChildren();
    if (next !== null) {
      const button = h('button', { type: 'button', class: 'older', testid: `${opts.testid}-older` }, 'Older');
      button.addEventListener('click', () => {
        button.disabled = true;
        button.textContent = 'Loading…';
        load(next).catch((error) => {
          if (isAbort(error)) return;
          renderFooter(next, errorBox(error, 'loading older entries'));
        });
      });
      footer.append(button);
    } else if (tbody && tbody.querySelector('tr:not(.empty)')) {
      footer.append(h('span', { class: 'muted', testid: `${opts.testid}-end` }, 'No older entries.'));
    }
    if (extra) footer.append(extra as Node);
  };
  load(null).catch((error) => {
    if (isAbort(error)) return;
    box.replaceChildren(errorBox(toApiError(error)));
  });
  return box;
}
