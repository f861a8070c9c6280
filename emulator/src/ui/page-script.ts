/**
 * The web UI's browser script, inlined into the page. Plain ES2020 for the browser: no framework, no build step.
 * Everything is rendered through `h()`, which only ever sets text content and attributes (never innerHTML), so data
 * from documents, logs or messages cannot inject markup. One render function per tab; the visible tab is refreshed
 * every 2 s, and a tab's DOM is only rebuilt when the data behind it changed (so clicks and scrolling are not lost).
 *
 * Kept inside String.raw: the script must not contain backquotes or dollar-brace sequences.
 */
export const PAGE_SCRIPT = String.raw`
'use strict';

// ---- helpers -------------------------------------------------------------------------------------------------

/** Builds an element: attributes (on* are listeners) and children (strings become text nodes). */
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else if (key === 'class') el.className = value;
    else if (key === 'value') el.value = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  const add = (child) => {
    if (child === undefined || child === null || child === false) return;
    if (Array.isArray(child)) child.forEach(add);
    else el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  };
  children.forEach(add);
  return el;
}

async function api(method, path, body) {
  const res = await fetch(path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { json = { message: text }; }
  if (!res.ok) {
    const err = new Error((json && json.message) || ('HTTP ' + res.status));
    err.status = res.status;
    throw err;
  }
  return json;
}

/** A control API of an optional service: null when the service is not installed. */
async function optional(path) {
  try { return await api('GET', path); } catch (err) { if (err.status === 404) return null; throw err; }
}

const pad = (n) => String(n).padStart(2, '0');
function time(value) {
  if (value === undefined || value === null || value === '') return '—';
  const d = new Date(value);
  if (isNaN(d.getTime())) return String(value);
  return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + ' ' + pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds());
}
const json = (value) => JSON.stringify(value, null, 2);
const compact = (value) => (value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value));
const yuan = (fen) => '¥' + (Number(fen || 0) / 100).toFixed(2);
const bytes = (n) => (n < 1024 ? n + ' B' : n < 1048576 ? (n / 1024).toFixed(1) + ' KB' : (n / 1048576).toFixed(1) + ' MB');
const badge = (text, kind) => h('span', { class: 'badge ' + (kind || '') }, text);
const card = (title, ...body) => h('section', { class: 'card' }, title ? h('h2', {}, title) : null, ...body);
const empty = (text) => h('div', { class: 'empty' }, text);

/** A table from column headers and rows of cells; a header starting with '#' is right-aligned. */
function table(headers, rows, emptyText) {
  if (!rows.length) return empty(emptyText || '暂无数据');
  const head = h('tr', {}, headers.map((t) => h('th', { class: t.startsWith('#') ? 'n' : '' }, t.replace(/^#/, ''))));
  return h('table', {}, h('thead', {}, head), h('tbody', {}, rows));
}
function row(cells, attrs) {
  return h('tr', attrs || {}, cells.map((c) => (c instanceof Node && c.tagName === 'TD' ? c : h('td', {}, c))));
}
const num = (value) => h('td', { class: 'n' }, String(value));

const OUTCOME = { ok: ['成功', 'ok'], error: ['错误', 'err'], timeout: ['超时', 'err'], crash: ['崩溃', 'err'] };
const SOURCE = { gateway: '小程序', callFunction: '云函数调用', http: 'HTTP 访问', timer: '定时触发', payment: '支付通知', refund: '退款通知', control: '控制接口' };
const TRADE_STATE = { NOTPAY: ['待支付', 'warn'], SUCCESS: ['已支付', 'ok'], REFUND: ['转入退款', 'info'], CLOSED: ['已关闭', ''] };
const REFUND_STATUS = { PROCESSING: ['退款中', 'warn'], SUCCESS: ['退款成功', 'ok'] };
const DELIVERY = { acknowledged: ['已确认', 'ok'], rejected: ['函数拒绝', 'err'], failed: ['调用失败', 'err'], refused: ['模拟拒绝', 'warn'], 'no-runtime': ['无函数运行时', 'err'] };
const pick = (map, key) => badge(...(map[key] || [String(key), '']));

// ---- state & refresh -------------------------------------------------------------------------------------------

const TABS = [
  ['overview', '概览', renderOverview],
  ['database', '数据库', renderDatabase],
  ['invocations', '函数调用', renderInvocations],
  ['pay', '支付沙箱', renderPay],
  ['outbox', '消息', renderOutbox],
  ['timers', '定时器', renderTimers],
  ['storage', '存储', renderStorage],
];
const state = {
  tab: 'overview',
  db: { collection: null, skip: 0, limit: 20, query: '', editingId: null, message: null },
  invocation: null,
  lastKey: {},
};

/** Replaces a container's content only when the data it shows changed. */
function show(container, key, build) {
  const sig = JSON.stringify(key);
  if (state.lastKey[container.id] === sig) return;
  state.lastKey[container.id] = sig;
  container.replaceChildren(...[build()].flat(Infinity).filter((c) => c !== undefined && c !== null && c !== false));
}

let refreshing = false;
let again = false;
/** Re-renders the visible tab; a call made while one is running runs once more after it. */
async function refresh() {
  if (refreshing) { again = true; return; }
  refreshing = true;
  again = false;
  const live = document.getElementById('live');
  try {
    const tab = TABS.find((t) => t[0] === state.tab);
    await tab[2](document.getElementById('view-' + state.tab));
    live.textContent = '已更新 ' + time(Date.now()).slice(11);
    live.className = 'live';
  } catch (err) {
    live.textContent = '刷新失败：' + err.message;
    live.className = 'live err';
  } finally {
    refreshing = false;
  }
  if (again) await refresh();
}

function selectTab(name) {
  if (!TABS.some((t) => t[0] === name)) name = 'overview';
  state.tab = name;
  for (const [id] of TABS) {
    document.getElementById('tab-' + id).classList.toggle('active', id === name);
    document.getElementById('view-' + id).hidden = id !== name;
  }
  if (location.hash !== '#' + name) history.replaceState(null, '', '#' + name);
  refresh();
}

// ---- 概览 ----------------------------------------------------------------------------------------------------------

async function renderOverview(view) {
  const [status, functions] = await Promise.all([api('GET', '/__emulator/status'), optional('/__emulator/functions')]);
  document.getElementById('env').textContent = '环境 ' + status.envId;
  show(view, [status, functions], () => {
    const stats = functions ? functions.stats : { coldStarts: 0, warmStarts: 0 };
    const stat = (k, v) => h('div', { class: 'stat' }, h('div', { class: 'v' }, String(v)), h('div', { class: 'k' }, k));
    return [
      h('div', { class: 'stats', style: 'margin-bottom:1rem' },
        stat('环境 ID', status.envId),
        stat('集合', status.collections.length),
        stat('数据库请求', status.requests),
        stat('请求错误', status.errors),
        stat('进行中的事务', status.openTransactions.length),
        stat('已提交 / 冲突的事务', status.transactions.committed + ' / ' + status.transactions.conflicts),
        stat('冷启动', stats.coldStarts),
        stat('热启动', stats.warmStarts)),
      card('集合', table(['集合', '#文档数', '索引'], status.collections.map((c) =>
        row([h('td', {}, h('a', { href: '#database', onclick: (e) => { e.preventDefault(); openCollection(c.name); } }, c.name)), num(c.count),
          c.indexes.length ? c.indexes.map((i) => h('div', {}, i.name, i.unique ? ' (唯一)' : '')) : '—'])), '暂无集合')),
      card('云函数', functions
        ? table(['函数', '#实例数 (上限 ' + functions.maxInstances + ')', '#超时 (秒)', '定时触发器'], functions.functions.map((f) =>
            row([h('code', {}, f.name), num(f.instances), num((f.config && f.config.timeout) || 3),
              ((f.config && f.config.triggers) || []).map((t) => h('div', {}, t.name + ' ', h('code', {}, t.config)))])), '没有云函数')
        : empty('未启用云函数运行时')),
    ];
  });
}

// ---- 数据库 --------------------------------------------------------------------------------------------------------

function openCollection(name) {
  Object.assign(state.db, { collection: name, skip: 0, editingId: null, message: null });
  setEditor('', null);
  selectTab('database');
}

function setEditor(text, id) {
  state.db.editingId = id;
  const editor = document.getElementById('db-editor');
  if (!editor) return; // the database tab is built on first show, empty
  editor.value = text;
  document.getElementById('db-editing').textContent = id ? '编辑文档 ' + id : '新文档（保存即插入）';
  document.getElementById('db-delete').disabled = !id;
  resetDelete();
  state.lastKey['db-table'] = null; // re-render to move the selection highlight
}

function dbMessage(text, ok) {
  const el = document.getElementById('db-msg');
  el.textContent = text;
  el.className = 'msg ' + (ok ? 'ok' : 'err');
}

async function saveDocument() {
  const db = state.db;
  let doc;
  try { doc = JSON.parse(document.getElementById('db-editor').value); } catch (err) { return dbMessage('JSON 格式错误：' + err.message, false); }
  const base = '/__emulator/collections/' + encodeURIComponent(db.collection) + '/documents';
  try {
    if (db.editingId) {
      const res = await api('PUT', base + '/' + encodeURIComponent(db.editingId), doc);
      setEditor(json(res.document), db.editingId);
      dbMessage('已保存', true);
    } else {
      const res = await api('POST', base, doc);
      setEditor(json(res.document), res._id);
      dbMessage('已插入文档 ' + res._id, true);
    }
  } catch (err) {
    dbMessage('保存失败：' + err.message, false);
  }
  await refresh();
}

let deleteArmed = false;
function resetDelete() {
  deleteArmed = false;
  const button = document.getElementById('db-delete');
  if (button) button.textContent = '删除';
}
async function deleteDocument() {
  const db = state.db;
  if (!db.editingId) return;
  if (!deleteArmed) { // two clicks instead of confirm(): no modal dialog
    deleteArmed = true;
    document.getElementById('db-delete').textContent = '确认删除？';
    return;
  }
  try {
    await api('DELETE', '/__emulator/collections/' + encodeURIComponent(db.collection) + '/documents/' + encodeURIComponent(db.editingId));
    dbMessage('已删除文档 ' + db.editingId, true);
    setEditor('', null);
  } catch (err) {
    dbMessage('删除失败：' + err.message, false);
  }
  await refresh();
}

function buildDatabaseView(view) {
  const filter = h('input', { class: 'text', id: 'db-filter', placeholder: '筛选条件（JSON），例如 {"status": "paid"}',
    onkeydown: (e) => { if (e.key === 'Enter') applyFilter(); } });
  view.replaceChildren(h('div', { class: 'split' },
    card('集合', h('div', { class: 'list', id: 'db-collections' })),
    h('div', {},
      card(null,
        h('div', { class: 'row' }, filter,
          h('button', { class: 'btn', onclick: applyFilter }, '查询'),
          h('button', { class: 'btn', onclick: () => { filter.value = ''; applyFilter(); } }, '清除')),
        h('div', { id: 'db-table' })),
      card(null,
        h('div', { class: 'row' }, h('strong', { id: 'db-editing' }, '新文档（保存即插入）'), h('span', { style: 'flex:1' }),
          h('button', { class: 'btn', onclick: () => { setEditor('{\n  \n}', null); dbMessage('', true); } }, '新建'),
          h('button', { class: 'btn primary', id: 'db-save', onclick: saveDocument }, '保存'),
          h('button', { class: 'btn danger', id: 'db-delete', onclick: deleteDocument, disabled: true }, '删除')),
        h('textarea', { id: 'db-editor', spellcheck: 'false', placeholder: '点击表格中的文档进行编辑，或点击“新建”插入文档。日期写作 {"$date": "2024-01-01T00:00:00Z"}' }),
        h('div', { id: 'db-msg', class: 'msg' })))));
}

function applyFilter() {
  state.db.query = document.getElementById('db-filter').value.trim();
  state.db.skip = 0;
  refresh();
}

async function renderDatabase(view) {
  if (!document.getElementById('db-editor')) buildDatabaseView(view);
  const db = state.db;
  const { collections } = await api('GET', '/__emulator/collections');
  if (!db.collection || !collections.some((c) => c.name === db.collection)) db.collection = collections.length ? collections[0].name : null;
  show(document.getElementById('db-collections'), [collections, db.collection], () =>
    collections.length
      ? collections.map((c) => h('button', { class: c.name === db.collection ? 'active' : '', onclick: () => openCollection(c.name) },
          h('span', {}, c.name), h('span', { class: 'muted' }, String(c.count))))
      : empty('暂无集合'));
  document.getElementById('db-save').disabled = !db.collection;
  const tableBox = document.getElementById('db-table');
  if (!db.collection) return show(tableBox, 'none', () => empty('请选择集合'));
  const params = new URLSearchParams({ skip: String(db.skip), limit: String(db.limit) });
  if (db.query) params.set('query', db.query);
  let page;
  try {
    page = await api('GET', '/__emulator/collections/' + encodeURIComponent(db.collection) + '/documents?' + params);
  } catch (err) {
    return show(tableBox, ['error', err.message], () => h('div', { class: 'msg err' }, '查询失败：' + err.message));
  }
  show(tableBox, [page, db.editingId], () => {
    const fields = [];
    for (const doc of page.documents) for (const key of Object.keys(doc)) if (key !== '_id' && !fields.includes(key) && fields.length < 7) fields.push(key);
    const rows = page.documents.map((doc) => row(
      [h('td', { class: 'mono' }, String(doc._id)), ...fields.map((f) => h('td', { class: 'cell mono', title: compact(doc[f]) }, compact(doc[f])))],
      { class: 'click' + (doc._id === db.editingId ? ' selected' : ''), 'data-id': doc._id, onclick: () => { setEditor(json(doc), doc._id); dbMessage('', true); } }));
    const last = Math.min(page.skip + page.documents.length, page.total);
    return [
      table(['_id', ...fields], rows, db.query ? '没有符合条件的文档' : '集合为空'),
      h('div', { class: 'row', style: 'margin-top:.6rem' },
        h('span', { class: 'muted' }, page.total ? '第 ' + (page.skip + 1) + '–' + last + ' 条，共 ' + page.total + ' 条' : '共 0 条'),
        h('span', { style: 'flex:1' }),
        h('button', { class: 'btn', disabled: page.skip === 0, onclick: () => { db.skip = Math.max(0, db.skip - db.limit); refresh(); } }, '上一页'),
        h('button', { class: 'btn', disabled: last >= page.total, onclick: () => { db.skip += db.limit; refresh(); } }, '下一页')),
    ];
  });
}

// ---- 函数调用 ------------------------------------------------------------------------------------------------------

function outcomeBadge(outcome) {
  return outcome ? pick(OUTCOME, outcome) : badge('运行中', 'info');
}

async function renderInvocations(view) {
  if (!document.getElementById('inv-list')) view.replaceChildren(h('div', { class: 'split2' }, card('调用记录', h('div', { id: 'inv-list' })), card('调用详情', h('div', { id: 'inv-detail' }, empty('点击左侧的一次调用查看日志、事件和返回值')))));
  const list = await optional('/__emulator/invocations?limit=200');
  show(document.getElementById('inv-list'), [list, state.invocation], () => {
    if (!list) return empty('未启用云函数运行时');
    return table(['时间', '函数', '来源', '路由', '调用者 openid', '#耗时', '启动', '#数据库调用', '结果'], list.invocations.map((i) =>
      row([time(i.startedAt), h('code', {}, i.functionName), SOURCE[i.source] || i.source, i.route || '—', h('span', { class: 'mono' }, i.openid || '—'),
        num(i.durationMs === undefined ? '…' : i.durationMs + ' ms'), i.coldStart ? badge('冷启动', 'warn') : badge('热启动', 'info'), num(i.databaseCalls), outcomeBadge(i.outcome)],
      { class: 'click' + (i.id === state.invocation ? ' selected' : ''), 'data-id': i.id, onclick: () => { state.invocation = i.id; refresh(); } })), '暂无调用记录');
  });
  if (!state.invocation) return;
  const detail = await api('GET', '/__emulator/invocations/' + encodeURIComponent(state.invocation)).catch(() => null);
  show(document.getElementById('inv-detail'), detail, () => {
    if (!detail) return empty('该调用记录已不存在');
    const meta = [
      ['调用 ID', detail.id], ['函数', detail.functionName], ['来源', SOURCE[detail.source] || detail.source], ['路由', detail.route || '—'],
      ['调用者 openid', detail.openid || '—'], ['开始时间', time(detail.startedAt)], ['耗时', detail.durationMs === undefined ? '运行中' : detail.durationMs + ' ms'],
      ['启动', detail.coldStart ? '冷启动' : '热启动'], ['实例', detail.instanceId || '—'], ['数据库调用', detail.databaseCalls], ['服务端 API 调用', detail.adminCalls],
    ];
    return [
      h('table', {}, h('tbody', {}, meta.map(([k, v]) => h('tr', {}, h('th', {}, k), h('td', { class: 'mono' }, String(v)))),
        h('tr', {}, h('th', {}, '结果'), h('td', {}, outcomeBadge(detail.outcome))))),
      h('h3', {}, '日志'),
      detail.logs.length
        ? h('pre', { id: 'inv-logs' }, detail.logs.map((l) => '[' + time(l.at).slice(11) + '] ' + l.level.toUpperCase() + ' ' + l.text + '\n'))
        : empty('没有日志输出'),
      h('h3', {}, '事件'), h('pre', {}, json(detail.event)),
      detail.error ? [h('h3', {}, '错误'), h('pre', { class: 'msg err' }, detail.error)] : [h('h3', {}, '返回值'), h('pre', {}, detail.result === undefined ? '（无）' : json(detail.result))],
    ];
  });
}

// ---- 支付沙箱 ------------------------------------------------------------------------------------------------------

async function payAction(outTradeNo, what) {
  try {
    await api('POST', '/__emulator/pay/orders/' + encodeURIComponent(outTradeNo) + '/' + what);
  } catch (err) {
    alert((what === 'pay' ? '支付失败：' : '操作失败：') + err.message);
  }
  await refresh();
}

function deliveryRows(kind, ref, deliveries) {
  return deliveries.map((d) => row([time(d.at), kind, h('span', { class: 'mono' }, ref), num(d.attempt), num(d.copy), pick(DELIVERY, d.outcome),
    d.retryInMs === undefined ? '—' : Math.round(d.retryInMs / 1000) + ' 秒后重试', h('span', { class: 'cell mono', title: d.error || compact(d.result) }, d.error || compact(d.result) || '—')]));
}

async function renderPay(view) {
  const [orders, refunds] = await Promise.all([optional('/__emulator/pay/orders'), optional('/__emulator/pay/refunds')]);
  show(view, [orders, refunds], () => {
    if (!orders) return card(null, empty('未启用支付沙箱'));
    const pending = orders.orders.filter((o) => o.state === 'NOTPAY');
    const others = orders.orders.filter((o) => o.state !== 'NOTPAY');
    const refundList = refunds ? refunds.refunds : [];
    const deliveries = [
      ...orders.orders.flatMap((o) => deliveryRows('支付通知', o.outTradeNo, o.deliveries)),
      ...refundList.flatMap((r) => deliveryRows('退款通知', r.outRefundNo, r.deliveries)),
    ].sort((a, b) => b.firstChild.textContent.localeCompare(a.firstChild.textContent));
    return [
      card('待支付订单', table(['下单时间', '商户订单号', '商品', '#金额', '付款人 openid', '通知函数', '#失败次数', '操作'], pending.map((o) =>
        row([time(o.createdAt), h('span', { class: 'mono' }, o.outTradeNo), o.body, num(yuan(o.totalFee)), h('span', { class: 'mono' }, o.openid || '—'), h('code', {}, o.functionName), num(o.paymentFailures),
          h('span', { class: 'row', style: 'margin:0' },
            h('button', { class: 'btn primary', 'data-pay': o.outTradeNo, onclick: () => payAction(o.outTradeNo, 'pay') }, '支付'),
            h('button', { class: 'btn danger', 'data-fail': o.outTradeNo, onclick: () => payAction(o.outTradeNo, 'fail') }, '失败'))],
        { 'data-order': o.outTradeNo })), '没有待支付的订单')),
      card('其他订单', table(['下单时间', '商户订单号', '商品', '#金额', '状态', '支付时间', '微信支付单号', '#已退款'], others.map((o) =>
        row([time(o.createdAt), h('span', { class: 'mono' }, o.outTradeNo), o.body, num(yuan(o.totalFee)), pick(TRADE_STATE, o.state), time(o.paidAt || o.closedAt), h('span', { class: 'mono' }, o.transactionId || '—'), num(yuan(o.refundedFee))],
        { 'data-order': o.outTradeNo })), '暂无订单')),
      card('退款', table(['申请时间', '商户退款单号', '商户订单号', '#退款金额', '#订单金额', '状态', '完成时间'], refundList.map((r) =>
        row([time(r.createdAt), h('span', { class: 'mono' }, r.outRefundNo), h('span', { class: 'mono' }, r.outTradeNo), num(yuan(r.refundFee)), num(yuan(r.totalFee)), pick(REFUND_STATUS, r.status), time(r.successTime)])), '暂无退款')),
      card('通知投递记录', table(['时间', '类型', '单号', '#第几次', '#副本', '结果', '重试', '详情'], deliveries, '暂无通知投递')),
    ];
  });
}

// ---- 消息 ----------------------------------------------------------------------------------------------------------

async function renderOutbox(view) {
  const outbox = await optional('/__emulator/outbox');
  show(view, outbox, () => {
    if (!outbox) return card(null, empty('未启用开放接口服务'));
    const clear = h('button', { class: 'btn danger', onclick: async () => { await api('DELETE', '/__emulator/outbox'); refresh(); } }, '清空');
    const messages = outbox.messages.slice().reverse();
    return card(null, h('div', { class: 'row' }, h('h2', { style: 'margin:0;flex:1' }, '订阅消息发件箱（' + messages.length + '）'), clear),
      table(['时间', '接口', '发送函数', '接收者 openid', '模板 ID', '跳转页面', '结果', '内容'], messages.map((m) =>
        row([time(m.time), h('code', {}, m.api), m.functionName || '—', h('span', { class: 'mono' }, compact(m.touser) || '—'), h('span', { class: 'mono' }, compact(m.templateId) || '—'),
          compact(m.page) || '—', m.outcome === 'sent' ? badge('已发送', 'ok') : badge('被拒绝 ' + m.errcode + ' ' + m.errmsg, 'err'),
          m.data === undefined ? '—' : h('pre', { style: 'margin:0;max-height:8rem' }, json(m.data))])), '发件箱为空'));
  });
}

// ---- 定时器 --------------------------------------------------------------------------------------------------------

async function runTimer(name, button) {
  button.disabled = true;
  button.textContent = '执行中…';
  try { await api('POST', '/__emulator/timers/' + encodeURIComponent(name) + '/run'); } catch (err) { alert('执行失败：' + err.message); }
  state.lastKey['view-timers'] = null;
  await refresh();
}

async function renderTimers(view) {
  const timers = await optional('/__emulator/timers');
  show(view, timers, () => {
    if (!timers) return card(null, empty('未启用定时触发器'));
    return card(timers.paused ? '定时触发器（已暂停）' : '定时触发器', table(['函数', '触发器', 'Cron 表达式', '下次触发', '最近触发', '操作'], timers.timers.map((t) =>
      row([h('code', {}, t.functionName), t.triggerName, h('code', {}, t.cron),
        t.error ? h('span', { class: 'msg err' }, t.error) : time(t.nextFireTime),
        t.firings.length ? t.firings.slice(0, 3).map((f) => h('div', {}, time(f.firedTime) + ' ', f.manual ? badge('手动', 'info') : badge('定时', ''), ' ',
          f.outcome.ok ? badge('成功', 'ok') : badge('失败', 'err'))) : h('span', { class: 'muted' }, '尚未触发'),
        h('button', { class: 'btn primary', 'data-run': t.functionName, disabled: !!t.error, onclick: (e) => runTimer(t.functionName, e.currentTarget) }, '立即执行')],
      { 'data-timer': t.functionName })), '没有配置定时触发器的云函数'));
  });
}

// ---- 存储 ----------------------------------------------------------------------------------------------------------

async function renderStorage(view) {
  const storage = await optional('/__emulator/storage');
  // Temporary URLs are signed per request: key the view on the files themselves so it does not redraw every time.
  show(view, storage && storage.files.map((f) => [f.path, f.size, f.updatedAt]), () => {
    if (!storage) return card(null, empty('未启用云存储'));
    return card('云存储文件（' + storage.files.length + '）', table(['路径', '#大小', '更新时间', 'fileID'], storage.files.map((f) =>
      row([h('a', { href: f.tempFileURL, target: '_blank', rel: 'noopener' }, f.path), num(bytes(f.size)), time(f.updatedAt), h('span', { class: 'mono cell', title: f.fileID }, f.fileID)])), '暂无文件'));
  });
}

// ---- start ---------------------------------------------------------------------------------------------------------

const nav = document.getElementById('tabs');
for (const [id, label] of TABS) {
  nav.append(h('button', { id: 'tab-' + id, onclick: () => selectTab(id) }, label));
  document.getElementById('views').append(h('div', { id: 'view-' + id, hidden: true }));
}
window.addEventListener('hashchange', () => selectTab(location.hash.slice(1)));
api('GET', '/__emulator/status').then((s) => { document.getElementById('env').textContent = '环境 ' + s.envId; }, () => {});
selectTab(location.hash.slice(1) || 'overview');
setInterval(() => { if (!document.hidden) refresh(); }, 2000);
`;
