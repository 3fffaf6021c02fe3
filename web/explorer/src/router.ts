// Client-side routes with the History API: in-app links are <a href="/..."> that the router
// intercepts; Back and Forward re-render from the URL.
import { clear, errorBox, h } from './dom.js';
import { isAbort, type PageContext, type PageRenderer } from './page.js';

export interface Route {
  pattern: RegExp;
  render: PageRenderer;
}

let routes: Route[] = [];
let notFound: PageRenderer = () => undefined;
let root: HTMLElement;
let current: { controller: AbortController; cleanups: (() => void)[] } | null = null;
const listeners: ((path: string) => void)[] = [];

export function onNavigate(fn: (path: string) => void): void {
  listeners.push(fn);
}

export function startRouter(el: HTMLElement, table: Route[], fallback: PageRenderer): void {
  root = el;
  routes = table;
  notFound = fallback;
  window.addEventListener('popstate', () => render());
  document.addEventListener('click', (event) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const a = (event.target as Element | null)?.closest?.('a');
    if (!a || a.target || a.hasAttribute('download')) return;
    const url = new URL(a.href, location.href);
    if (url.origin !== location.origin || url.pathname.startsWith('/api/')) return;
    event.preventDefault();
    navigate(url.pathname + url.search + url.hash);
  });
  render();
}

export function navigate(path: string, replace = false): void {
  if (replace) history.replaceState(null, '', path);
  else if (path !== location.pathname + location.search + location.hash) history.pushState(null, '', path);
  render();
  window.scrollTo(0, 0);
}

function render(): void {
  if (current) {
    current.controller.abort();
    for (const fn of current.cleanups) {
      try {
        fn();
      } catch {
        // a cleanup that fails must not keep the next page from drawing
      }
    }
  }
  const controller = new AbortController();
  const cleanups: (() => void)[] = [];
  current = { controller, cleanups };
  const path = location.pathname.replace(/\/+$/, '') || '/';
  let renderer = notFound;
  let params: string[] = [];
  for (const route of routes) {
    const m = route.pattern.exec(path);
    if (m) {
      renderer = route.render;
      params = m.slice(1).map((p) => decodeURIComponent(p ?? ''));
      break;
    }
  }
  const page = h('div', { class: 'page' });
  clear(root, page);
  const ctx: PageContext = {
    root: page,
    params,
    signal: controller.signal,
    onCleanup: (fn) => cleanups.push(fn),
    setTitle: (title) => {
      document.title = `${title} · QTM Explorer`;
    },
  };
  ctx.setTitle('QTM Explorer');
  for (const fn of listeners) fn(path);
  Promise.resolve()
    .then(() => renderer(ctx))
    .catch((error) => {
      if (isAbort(error) || controller.signal.aborted) return;
      clear(page, errorBox(error));
    });
}
