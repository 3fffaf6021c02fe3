// The explorer's entry point: the layout (header with navigation and search) and the routes.
import { clear, h, link } from './dom.js';
import type { PageContext } from './page.js';
import { addressPage } from './pages/address.js';
import { blockPage } from './pages/block.js';
import { faucetPage } from './pages/faucet.js';
import { homePage } from './pages/home.js';
import { tokenPage } from './pages/token.js';
import { txPage } from './pages/tx.js';
import { validatorsPage } from './pages/validators.js';
import { onNavigate, type Route, startRouter } from './router.js';
import { clearSearchMessage, searchBox } from './search.js';

const HEX = '(0x[0-9a-fA-F]+)';

const routes: Route[] = [
  { pattern: /^\/$/, render: homePage },
  { pattern: /^\/block\/([0-9]+|0x[0-9a-fA-F]+)$/, render: blockPage },
  { pattern: new RegExp(`^/tx/${HEX}$`), render: txPage },
  { pattern: new RegExp(`^/address/${HEX}$`), render: addressPage },
  { pattern: new RegExp(`^/token/${HEX}$`), render: tokenPage },
  { pattern: /^\/validators$/, render: validatorsPage },
  { pattern: /^\/faucet$/, render: faucetPage },
];

function notFoundPage(ctx: PageContext): void {
  ctx.setTitle('Page not found');
  clear(ctx.root,
    h('h1', null, 'Page not found'),
    h('div', { class: 'error', testid: 'error', role: 'alert' },
      h('p', { testid: 'error-message' }, `There is no explorer page at ${location.pathname}.`),
      h('p', null, 'Try the search box, or go ', link('/', 'home'), '.')));
}

function layout(): HTMLElement {
  const nav = h('nav', { class: 'nav' },
    link('/', 'Home', { testid: 'nav-home' }),
    link('/validators', 'Validators', { testid: 'nav-validators' }),
    link('/faucet', 'Faucet', { testid: 'nav-faucet' }));
  const search = searchBox();
  const main = h('main', { id: 'page', testid: 'page' });
  const header = h('header', { class: 'top' },
    h('div', { class: 'brand' }, link('/', 'QTM Explorer', { class: 'brand-link' }), h('span', { class: 'muted' }, ' post-quantum')),
    nav, search);
  const app = document.getElementById('app') ?? document.body;
  clear(app, header, main,
    h('footer', { class: 'muted' }, 'QTM Explorer: pages over qtm-indexer\'s read-only API; finalized blocks only.'));
  onNavigate((path) => {
    clearSearchMessage(search);
    for (const a of nav.querySelectorAll('a')) {
      const href = a.getAttribute('href') ?? '';
      a.classList.toggle('active', href === '/' ? path === '/' : path.startsWith(href));
    }
  });
  return main;
}

startRouter(layout(), routes, notFoundPage);
