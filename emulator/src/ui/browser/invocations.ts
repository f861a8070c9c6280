import { api, optional, retryRefused } from './api.js';
import { type Child, OUTCOME, SOURCE, badge, byId, card, compact, empty, h, json, num, pick, row, table, time } from './dom.js';
import { refresh, selectTab, show, state } from './page.js';
import type { FunctionList, Invocation, InvocationOutcome, InvocationPage, InvocationSummary } from './types.js';

/**
 * 调用记录: the invocations, newest first, 200 a page, filtered by function, route, source, caller and outcome (timer
 * firings hidden unless asked for); one of them in full (logs, event, result). The runtime filters and pages:
 * `GET /__emulator/invocations` with `function, route, source, caller, outcome, timers, before, limit`, answering
 * `nextBefore` while older ones exist.
 */
const PAGE = 200;

interface Filters {
  function: string;
  route: string;
  source: string;
  caller: string;
  outcome: '' | InvocationOutcome;
  timers: boolean;
}
const NO_FILTERS: Filters = { function: '', route: '', source: '', caller: '', outcome: '', timers: false };

const view = {
  filters: { ...NO_FILTERS },
  /** `before` cursors of the pages shown before this one (the newest page has none). */
  cursors: [] as string[],
  /** The cursor of the page after this one, from the last load. */
  next: undefined as string | undefined,
};

/** A route's `{ ok: false, code, message }`: the function answered, but with a business error. */
export function isBusinessError(result: unknown): result is { ok: false; code?: unknown; message?: unknown } {
  return result !== null && typeof result === 'object' && (result as { ok?: unknown }).ok === false;
}

/** `CODE：message` of a business error. */
export function businessErrorText(result: { code?: unknown; message?: unknown }): string {
  return (compact(result.code) || '—') + (result.message === undefined ? '' : '：' + compact(result.message));
}

function outcomeBadge(i: InvocationSummary): HTMLSpanElement {
  if (!i.outcome) return badge('运行中', 'info');
  return pick(OUTCOME, i.outcome === 'error' ? (i.failure ?? 'error') : i.outcome);
}

function query(f: Filters, before: string | undefined): string {
  const params = new URLSearchParams();
  for (const key of ['function', 'route', 'source', 'caller', 'outcome'] as const) if (f[key]) params.set(key, f[key]);
  // Choosing 定时触发 as the source shows timer firings without ticking the box too.
  params.set('timers', f.timers || f.source === 'timer' ? 'include' : 'exclude');
  if (before) params.set('before', before);
  params.set('limit', String(PAGE));
  return '/__emulator/invocations?' + params.toString();
}

/** Shows an invocation in the detail panel (from the list, or from the 调用函数 tab). */
export function openInvocation(id: string): void {
  state.invocation = id;
  state.revealInvocation = true;
  if (state.tab !== 'invocations') selectTab('invocations');
  else void refresh();
}

function setFilters(change: Partial<Filters>): void {
  Object.assign(view.filters, change);
  view.cursors = [];
  retryRefused();
  void refresh();
}

function buildFilters(): HTMLElement {
  const text = (id: string, key: 'route' | 'caller', placeholder: string) =>
    h('input', {
      class: 'text short',
      id,
      placeholder,
      'aria-label': placeholder,
      onkeydown: (e) => {
        if (e.key === 'Enter') setFilters({ [key]: (e.target as HTMLInputElement).value.trim() });
      },
      onchange: (e) => {
        const value = (e.target as HTMLInputElement).value.trim();
        if (value !== view.filters[key]) setFilters({ [key]: value });
      },
    });
  const select = (id: string, key: 'function' | 'source' | 'outcome', label: string, options: Array<[string, string]>) =>
    h(
      'select',
      { id, 'aria-label': label, onchange: (e) => setFilters({ [key]: (e.target as HTMLSelectElement).value }) },
      options.map(([value, text]) => h('option', { value }, text)),
    );
  const timers = h('input', {
    type: 'checkbox',
    id: 'inv-timers',
    onchange: (e) => setFilters({ timers: (e.target as HTMLInputElement).checked }),
  });
  return h(
    'div',
    { class: 'row' },
    select('inv-function', 'function', '函数', [['', '全部函数']]),
    text('inv-route', 'route', '路由（$url），如 order/create'),
    select('inv-source', 'source', '来源', [['', '全部来源'], ...Object.entries(SOURCE)]),
    text('inv-caller', 'caller', '调用者 openid'),
    select('inv-outcome', 'outcome', '结果', [
      ['', '全部结果'],
      ['ok', '成功'],
      ['business_error', '业务错误'],
      ['error', '出错（含超时、崩溃）'],
    ]),
    h('label', { class: 'check' }, timers, '显示定时触发'),
    h(
      'button',
      {
        class: 'btn',
        id: 'inv-clear',
        onclick: () => {
          for (const id of ['inv-function', 'inv-source', 'inv-outcome']) byId<HTMLSelectElement>(id).value = '';
          for (const id of ['inv-route', 'inv-caller']) byId<HTMLInputElement>(id).value = '';
          timers.checked = false;
          setFilters({ ...NO_FILTERS });
        },
      },
      '清除筛选',
    ),
  );
}

function buildPager(): HTMLElement {
  return h(
    'div',
    { class: 'row', style: 'margin:.6rem 0 0' },
    h('span', { class: 'muted', id: 'inv-pageinfo' }),
    h('span', { style: 'flex:1' }),
    h(
      'button',
      {
        class: 'btn',
        id: 'inv-newer',
        disabled: true,
        onclick: () => {
          view.cursors.pop();
          void refresh();
        },
      },
      '较新',
    ),
    h(
      'button',
      {
        class: 'btn',
        id: 'inv-older',
        disabled: true,
        onclick: () => {
          if (!view.next) return;
          view.cursors.push(view.next);
          void refresh();
        },
      },
      '更早',
    ),
  );
}

function buildView(container: HTMLElement): void {
  container.replaceChildren(
    h(
      'div',
      { class: 'split2' },
      card('调用记录', buildFilters(), h('div', { id: 'inv-list' }), buildPager()),
      h(
        'section',
        { class: 'card sticky', id: 'inv-detail-card' },
        h('h2', {}, '调用详情'),
        h('div', { id: 'inv-detail' }, empty('点击一次调用，查看它的日志、事件和返回值')),
      ),
    ),
  );
}

/** The function filter's options follow the functions the runtime has; the choice is kept. */
function updateFunctionOptions(functions: FunctionList | null): void {
  const select = byId<HTMLSelectElement>('inv-function');
  const names = (functions?.functions ?? []).map((f) => f.name);
  if (view.filters.function && !names.includes(view.filters.function)) names.push(view.filters.function);
  const current = [...select.options].slice(1).map((o) => o.value);
  if (current.join('\n') === names.join('\n')) return;
  select.replaceChildren(h('option', { value: '' }, '全部函数'), ...names.map((n) => h('option', { value: n }, n)));
  select.value = view.filters.function;
}

function listRows(list: InvocationSummary[]): HTMLElement {
  return table(
    ['时间', '函数', '来源', '路由', '调用者 openid', '#耗时', '启动', '#数据库调用', '结果'],
    list.map((i) =>
      row(
        [
          time(i.startedAt),
          h('code', {}, i.functionName),
          SOURCE[i.source] || i.source,
          i.route || '—',
          h('span', { class: 'mono' }, i.openid || '—'),
          num(i.durationMs === undefined ? '…' : i.durationMs + ' ms'),
          i.coldStart ? badge('冷启动', 'warn') : badge('热启动', 'info'),
          num(i.databaseCalls),
          outcomeBadge(i),
        ],
        {
          class: 'click' + (i.id === state.invocation ? ' selected' : ''),
          'data-id': i.id,
          'data-function': i.functionName,
          'data-source': i.source,
          'data-route': i.route ?? '',
          'data-openid': i.openid ?? '',
          'data-outcome': i.outcome ?? 'running',
          onclick: () => openInvocation(i.id),
        },
      ),
    ),
    Object.values(view.filters).some(Boolean) ? '没有符合条件的调用' : '暂无调用记录',
  );
}

function detailView(detail: Invocation | null): Child {
  if (!detail) return empty('该调用记录已不存在');
  const meta: Array<[string, string | number]> = [
    ['调用 ID', detail.id],
    ['函数', detail.functionName],
    ['来源', SOURCE[detail.source] || detail.source],
    ['路由', detail.route || '—'],
    ['调用者 openid', detail.openid || '—'],
    ['开始时间', time(detail.startedAt)],
    ['耗时', detail.durationMs === undefined ? '运行中' : detail.durationMs + ' ms'],
    ['启动', detail.coldStart ? '冷启动' : '热启动'],
    ['实例', detail.instanceId || '—'],
    ['数据库调用', detail.databaseCalls],
    ['其中串行（关键路径）', detail.databaseChain ?? '—'],
    ['服务端 API 调用', detail.adminCalls],
  ];
  const business = isBusinessError(detail.result) ? detail.result : undefined;
  return [
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'kv' },
        h(
          'tbody',
          {},
          meta.map(([k, v]) => h('tr', {}, h('th', {}, k), h('td', { class: 'mono' }, String(v)))),
          h('tr', {}, h('th', {}, '结果'), h('td', {}, outcomeBadge(detail))),
          business ? h('tr', {}, h('th', {}, '业务错误'), h('td', { class: 'mono' }, businessErrorText(business))) : null,
        ),
      ),
    ),
    h('h3', {}, '日志'),
    detail.logs.length
      ? h(
          'pre',
          { id: 'inv-logs' },
          detail.logs.map((l) => '[' + time(l.at).slice(11) + '] ' + l.level.toUpperCase() + ' ' + l.text + '\n'),
        )
      : empty('没有日志输出'),
    h('h3', {}, '事件'),
    h('pre', {}, json(detail.event)),
    detail.error
      ? [h('h3', {}, '错误'), h('pre', { class: 'msg err' }, detail.error)]
      : [h('h3', {}, '返回值'), h('pre', {}, detail.result === undefined ? '（无）' : json(detail.result))],
  ];
}

/**
 * Brings the detail panel's top into the upper half of the window when it is elsewhere: a wide window keeps the
 * panel in place beside the list (sticky), a narrow one stacks it below a list that may be 200 rows long.
 */
function revealDetail(): void {
  const panel = byId('inv-detail-card');
  const rect = panel.getBoundingClientRect();
  const header = document.querySelector('header')!.offsetHeight;
  if (rect.top < header || rect.top > window.innerHeight / 2) panel.scrollIntoView({ block: 'start' });
}

export async function renderInvocations(container: HTMLElement): Promise<void> {
  if (!document.getElementById('inv-list')) buildView(container);
  const before = view.cursors.at(-1);
  const [page, functions] = await Promise.all([
    optional<InvocationPage>(query(view.filters, before)),
    optional<FunctionList>('/__emulator/functions'),
  ]);
  updateFunctionOptions(functions);
  view.next = page?.nextBefore;
  byId<HTMLButtonElement>('inv-newer').disabled = view.cursors.length === 0;
  byId<HTMLButtonElement>('inv-older').disabled = !view.next;
  byId('inv-pageinfo').textContent = page
    ? '第 ' + (view.cursors.length + 1) + ' 页 · 本页 ' + page.invocations.length + ' 条 · 每页最多 ' + PAGE + ' 条'
    : '';
  show(byId('inv-list'), [page, state.invocation], () => (page ? listRows(page.invocations) : empty('未启用云函数运行时')));
  if (!state.invocation) return;
  const detail = await api<Invocation>('GET', '/__emulator/invocations/' + encodeURIComponent(state.invocation)).catch(
    () => null,
  );
  show(byId('inv-detail'), detail, () => detailView(detail));
  if (state.revealInvocation) {
    state.revealInvocation = false;
    revealDetail();
  }
}
