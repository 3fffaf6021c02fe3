// Building the page from elements and text nodes only: API data is untrusted, so it is only
// ever set as textContent or attribute values, never parsed as HTML.
import { ApiError, toApiError } from './api.js';
import { formatInt, shortHash } from './format.js';

export type Child = Node | string | number | null | undefined | false | Child[];

export interface Attrs {
  class?: string;
  testid?: string;
  title?: string;
  href?: string;
  id?: string;
  type?: string;
  name?: string;
  value?: string;
  placeholder?: string;
  disabled?: boolean;
  colspan?: number;
  autocomplete?: string;
  spellcheck?: boolean;
  'aria-label'?: string;
  'aria-live'?: string;
  role?: string;
  onclick?: (event: MouseEvent) => void;
}

function append(parent: Node, child: Child): void {
  if (child === null || child === undefined || child === false) return;
  if (Array.isArray(child)) {
    for (const c of child) append(parent, c);
  } else if (child instanceof Node) {
    parent.appendChild(child);
  } else {
    parent.appendChild(document.createTextNode(String(child)));
  }
}

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs | null = null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [key, value] of Object.entries(attrs)) {
      if (value === undefined || value === null || value === false) continue;
      if (key === 'class') el.className = String(value);
      else if (key === 'testid') el.dataset['testid'] = String(value);
      else if (key === 'onclick') el.addEventListener('click', value as (e: Event) => void);
      else if (value === true) el.setAttribute(key, '');
      else el.setAttribute(key, String(value));
    }
  }
  append(el, children);
  return el;
}

export function clear(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, children);
}

// An in-app link (the router handles the click with the History API).
export function link(path: string, text: Child, attrs: Attrs = {}): HTMLAnchorElement {
  return h('a', { ...attrs, href: path }, text);
}

export function blockLink(n: number | string | null | undefined, attrs: Attrs = {}): Child {
  if (n === null || n === undefined) return '—';
  return link(`/block/${n}`, typeof n === 'number' ? formatInt(n) : n, attrs);
}

export function txLink(hash: string | null | undefined, short = true, attrs: Attrs = {}): Child {
  if (!hash) return '—';
  return link(`/tx/${hash}`, short ? shortHash(hash) : hash, { title: hash, class: 'mono', ...attrs });
}

export function addressLink(address: string | null | undefined, short = false, attrs: Attrs = {}): Child {
  if (!address) return '—';
  return link(`/address/${address}`, short ? shortHash(address, 8) : address, { title: address, class: 'mono', ...attrs });
}

export function tokenLink(token: { address: string; symbol: string | null; name: string | null }, attrs: Attrs = {}): Child {
  const label = token.symbol ?? token.name ?? shortHash(token.address, 8);
  return link(`/token/${token.address}`, label, { title: token.name ? `${token.name} (${token.address})` : token.address, ...attrs });
}

export function loading(what = 'Loading…'): HTMLElement {
  return h('p', { class: 'loading', testid: 'loading', role: 'status' }, what);
}

// An API error as readable text (never a blank page).
export function errorBox(error: unknown, context?: string): HTMLElement {
  const e = toApiError(error);
  const title = e.code === 'http_error' || e.code === 'bad_response' ? 'The explorer API is not answering'
    : e.status === 404 ? 'Not found' : e.status === 429 ? 'Too many requests' : e.status >= 500 || e.status === 0 ? 'The explorer is unavailable' : 'Error';
  return h('div', { class: 'error', testid: 'error', role: 'alert' },
    h('strong', null, context ? `${title} — ${context}` : title),
    h('p', { testid: 'error-message' }, e.message),
    h('p', { class: 'muted' }, `${e.status > 0 ? `HTTP ${e.status}, ` : ''}code ${e.code}`,
      e.retryAfter !== null ? `, retry after ${e.retryAfter} s` : ''));
}

export function isNotFound(error: unknown): boolean {
  return error instanceof ApiError && error.status === 404;
}

// A two-column table of fields: [label, value, testid?].
export type Field = [string, Child, string?];

export function fields(rows: (Field | null | false)[], testid?: string): HTMLElement {
  const body = h('tbody');
  for (const row of rows) {
    if (!row) continue;
    const [label, value, id] = row;
    body.appendChild(h('tr', null, h('th', { class: 'field' }, label), h('td', id ? { testid: id } : null, value)));
  }
  return h('table', { class: 'fields', ...(testid ? { testid } : {}) }, body);
}

export interface Column<T> {
  title: string;
  cell: (row: T) => Child;
  class?: string;
}

export function tableRows<T>(columns: Column<T>[], rows: T[], rowTestid?: string): HTMLTableRowElement[] {
  return rows.map((row) => h('tr', rowTestid ? { testid: rowTestid } : null,
    ...columns.map((c) => h('td', c.class ? { class: c.class } : null, c.cell(row)))));
}

export function table<T>(columns: Column<T>[], rows: T[], opts: { testid?: string; rowTestid?: string; empty?: string } = {}): HTMLElement {
  const head = h('thead', null, h('tr', null, ...columns.map((c) => h('th', c.class ? { class: c.class } : null, c.title))));
  const body = h('tbody');
  if (rows.length === 0) {
    body.appendChild(h('tr', { class: 'empty' }, h('td', { colspan: columns.length }, opts.empty ?? 'None.')));
  } else {
    body.append(...tableRows(columns, rows, opts.rowTestid));
  }
  return h('div', { class: 'table-wrap' }, h('table', { class: 'list', ...(opts.testid ? { testid: opts.testid } : {}) }, head, body));
}

export function section(title: string, ...children: Child[]): HTMLElement {
  return h('section', null, h('h2', null, title), ...children);
}

export function badge(text: string, kind: 'ok' | 'bad' | 'warn' | 'info' = 'info', testid?: string): HTMLElement {
  return h('span', { class: `badge badge-${kind}`, ...(testid ? { testid } : {}) }, text);
}

// Long hex (public keys, input data): the start, its size, and the full text in a <details>.
export function longHex(hex: string | null | undefined, testid?: string): Child {
  if (!hex || hex === '0x') return h('span', { class: 'muted', ...(testid ? { testid } : {}) }, 'none');
  if (hex.length <= 66) return h('span', { class: 'mono', ...(testid ? { testid } : {}) }, hex);
  return h('details', { class: 'hex', ...(testid ? { testid } : {}) },
    h('summary', { class: 'mono' }, `${hex.slice(0, 42)}…`),
    h('pre', { class: 'mono wrap' }, hex));
}
