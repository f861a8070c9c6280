/**
 * Building the page: `h()` only ever sets text content and attributes (never innerHTML), so data from documents,
 * logs or messages cannot inject markup. Plus the formatting and table helpers every tab uses.
 */

/** What an element can hold: nodes, text, nothing, or lists of those. */
export type Child = Node | string | number | null | undefined | false | Child[];

type Listeners = { [K in keyof HTMLElementEventMap as `on${K}`]?: (event: HTMLElementEventMap[K]) => void };

export interface Attrs extends Listeners {
  class?: string;
  id?: string;
  style?: string;
  title?: string;
  href?: string;
  target?: string;
  rel?: string;
  placeholder?: string;
  spellcheck?: string;
  hidden?: boolean;
  disabled?: boolean;
  type?: string;
  name?: string;
  value?: string;
  min?: string;
  step?: string;
  multiple?: boolean;
  checked?: boolean;
  selected?: boolean;
  src?: string;
  alt?: string;
  list?: string;
  for?: string;
  role?: string;
  'aria-label'?: string;
  [data: `data-${string}`]: string | undefined;
}

type AttrValue = Attrs[keyof Attrs];

/** Builds an element: attributes (on* are listeners; false, null and undefined are left out) and children. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs) as Array<[string, AttrValue]>) {
    if (value === undefined || value === null || value === false) continue;
    if (typeof value === 'function') el.addEventListener(key.slice(2), value as EventListener);
    else if (key === 'class') el.className = String(value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  el.append(...nodes(children));
  return el;
}

/** A child tree flattened to what `append` and `replaceChildren` take. */
export function nodes(child: Child): Array<Node | string> {
  if (child === undefined || child === null || child === false) return [];
  if (Array.isArray(child)) return child.flatMap(nodes);
  return [child instanceof Node ? child : String(child)];
}

/** The element with this id, which the page always has once built. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} is missing`);
  return el as T;
}

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Every time on the page is shown in Beijing time, the zone of WeChat Pay, CloudBase's timers and the shop. */
export const ZONE = '北京时间 (UTC+8)';
const BEIJING_OFFSET_MS = 8 * 3600_000;

/**
 * Epoch milliseconds of what the services hand out: epoch numbers, ISO times with a zone, and WeChat Pay's zone-less
 * Beijing times (`yyyy-MM-dd HH:mm:ss` as in a refund's successTime, `yyyyMMddHHmmss` as in timeEnd).
 */
export function instant(value: string | number): number | undefined {
  if (typeof value === 'number') return value;
  const m = /^(\d{4})-?(\d{2})-?(\d{2})[ T]?(\d{2}):?(\d{2}):?(\d{2})$/.exec(value.trim());
  if (m) return Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) - BEIJING_OFFSET_MS;
  const ms = Date.parse(value);
  return isNaN(ms) ? undefined : ms;
}

/** `yyyy-MM-dd HH:mm:ss` in Beijing time, whatever the browser's own zone. */
export function time(value: string | number | null | undefined): string {
  if (value === undefined || value === null || value === '') return '—';
  const ms = instant(value);
  if (ms === undefined) return String(value);
  return new Date(ms + BEIJING_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}
export const json = (value: unknown): string => JSON.stringify(value, null, 2);
export const compact = (value: unknown): string =>
  value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
export const yuan = (fen: number | undefined): string => '¥' + (Number(fen || 0) / 100).toFixed(2);
export const bytes = (n: number): string =>
  n < 1024 ? n + ' B' : n < 1048576 ? (n / 1024).toFixed(1) + ' KB' : (n / 1048576).toFixed(1) + ' MB';
export const badge = (text: string, kind?: string): HTMLSpanElement => h('span', { class: 'badge ' + (kind || '') }, text);
export const card = (title: string | null, ...body: Child[]): HTMLElement =>
  h('section', { class: 'card' }, title ? h('h2', {}, title) : null, ...body);
export const empty = (text: string): HTMLDivElement => h('div', { class: 'empty' }, text);

/** A table from column headers and rows; a header starting with '#' is right-aligned. */
export function table(headers: string[], rows: HTMLTableRowElement[], emptyText?: string): HTMLElement {
  if (!rows.length) return empty(emptyText || '暂无数据');
  const head = h(
    'tr',
    {},
    headers.map((t) => h('th', { class: t.startsWith('#') ? 'n' : '' }, t.replace(/^#/, ''))),
  );
  // The wrapper scrolls sideways inside its card, so a wide table never widens the page.
  return h('div', { class: 'table-wrap' }, h('table', {}, h('thead', {}, head), h('tbody', {}, rows)));
}
/** A row; a cell that is already a `<td>` is kept, anything else is wrapped in one. */
export function row(cells: Child[], attrs?: Attrs): HTMLTableRowElement {
  return h(
    'tr',
    attrs || {},
    cells.map((c) => (c instanceof HTMLTableCellElement && c.tagName === 'TD' ? c : h('td', {}, c))),
  );
}
export const num = (value: string | number): HTMLTableCellElement => h('td', { class: 'n' }, String(value));

/** A badge's text and kind per value. */
export type Labels = Record<string, readonly [text: string, kind: string]>;
export const OUTCOME: Labels = {
  ok: ['成功', 'ok'],
  business_error: ['业务错误', 'warn'],
  error: ['错误', 'err'],
  timeout: ['超时', 'err'],
  crash: ['崩溃', 'err'],
  stopped: ['已停止', 'err'],
};
export const SOURCE: Record<string, string> = {
  gateway: '小程序',
  callFunction: '云函数调用',
  http: 'HTTP 访问',
  timer: '定时触发',
  payment: '支付通知',
  refund: '退款通知',
  control: '控制接口',
};
export const TRADE_STATE: Labels = {
  NOTPAY: ['待支付', 'warn'],
  SUCCESS: ['已支付', 'ok'],
  REFUND: ['转入退款', 'info'],
  CLOSED: ['已关闭', ''],
};
export const REFUND_STATUS: Labels = {
  PROCESSING: ['退款中', 'warn'],
  SUCCESS: ['退款成功', 'ok'],
  CHANGE: ['退款异常', 'err'],
  REFUNDCLOSE: ['退款关闭', 'err'],
};
export const DELIVERY: Labels = {
  acknowledged: ['已确认', 'ok'],
  rejected: ['函数拒绝', 'err'],
  failed: ['调用失败', 'err'],
  refused: ['模拟拒绝', 'warn'],
  'no-runtime': ['无函数运行时', 'err'],
};
export const pick = (labels: Labels, key: string): HTMLSpanElement => badge(...(labels[key] || [String(key), '']));
