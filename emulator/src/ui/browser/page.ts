import { type Child, byId, h, messageOf, nodes, time } from './dom.js';

/**
 * The page's state and refresh cycle. One render function per tab; the visible tab is refreshed every 2 s, and a
 * tab's DOM is only rebuilt when the data behind it changed (so clicks and scrolling are not lost).
 */
export interface Tab {
  id: string;
  label: string;
  render(view: HTMLElement): Promise<void>;
}

export const state = {
  tab: 'overview',
  db: { collection: null as string | null, skip: 0, limit: 20, query: '', editingId: null as string | null },
  invocation: null as string | null,
  /** Set when an invocation was just opened: its detail is scrolled into view once drawn. */
  revealInvocation: false,
};

let tabs: Tab[] = [];
/** What each container (by id) last showed, so an unchanged refresh leaves its DOM alone. */
const shown = new Map<string, string>();

/** Replaces a container's content only when the data it shows changed. */
export function show(container: HTMLElement, key: unknown, build: () => Child): void {
  const signature = JSON.stringify(key);
  if (shown.get(container.id) === signature) return;
  shown.set(container.id, signature);
  container.replaceChildren(...nodes(build()));
}

/** Makes the next refresh rebuild a container even if its data did not change. */
export function redraw(containerId: string): void {
  shown.delete(containerId);
}

let refreshing = false;
let again = false;
/** Re-renders the visible tab; a call made while one is running runs once more after it. */
export async function refresh(): Promise<void> {
  if (refreshing) {
    again = true;
    return;
  }
  refreshing = true;
  again = false;
  const live = byId('live');
  try {
    const tab = tabs.find((t) => t.id === state.tab)!;
    await tab.render(byId('view-' + state.tab));
    live.textContent = '已更新 ' + time(Date.now()).slice(11);
    live.className = 'live';
  } catch (err) {
    live.textContent = '刷新失败：' + messageOf(err);
    live.className = 'live err';
  } finally {
    refreshing = false;
  }
  if (again) await refresh();
}

export function selectTab(name: string): void {
  if (!tabs.some((t) => t.id === name)) name = 'overview';
  state.tab = name;
  for (const { id } of tabs) {
    byId('tab-' + id).classList.toggle('active', id === name);
    byId('view-' + id).hidden = id !== name;
  }
  if (location.hash !== '#' + name) history.replaceState(null, '', '#' + name);
  void refresh();
}

/** Builds the tab bar and a view per tab, shows the tab the URL names and keeps the visible one fresh. */
export function startPage(all: Tab[]): void {
  tabs = all;
  const nav = byId('tabs');
  for (const { id, label } of tabs) {
    nav.append(h('button', { id: 'tab-' + id, onclick: () => selectTab(id) }, label));
    byId('views').append(h('div', { id: 'view-' + id, hidden: true }));
  }
  window.addEventListener('hashchange', () => selectTab(location.hash.slice(1)));
  // The header wraps on narrow windows; sticky panels and scrolled-to cards keep clear of its actual height.
  const header = document.querySelector('header')!;
  new ResizeObserver(() => {
    document.documentElement.style.setProperty('--header-h', header.offsetHeight + 'px');
  }).observe(header);
  selectTab(location.hash.slice(1) || 'overview');
  setInterval(() => {
    if (!document.hidden) void refresh();
  }, 2000);
}
