import { api, optional } from './api.js';
import { OUTCOME, SOURCE, badge, byId, card, empty, h, json, num, pick, row, table, time } from './dom.js';
import { refresh, show, state } from './page.js';
import type { Invocation, InvocationOutcome, InvocationSummary } from './types.js';

/** 函数调用: the recent invocations, and one of them in full (logs, event, result). */
function outcomeBadge(outcome: InvocationOutcome | undefined): HTMLSpanElement {
  return outcome ? pick(OUTCOME, outcome) : badge('运行中', 'info');
}

export async function renderInvocations(view: HTMLElement): Promise<void> {
  if (!document.getElementById('inv-list'))
    view.replaceChildren(
      h(
        'div',
        { class: 'split2' },
        card('调用记录', h('div', { id: 'inv-list' })),
        card('调用详情', h('div', { id: 'inv-detail' }, empty('点击左侧的一次调用查看日志、事件和返回值'))),
      ),
    );
  const list = await optional<{ invocations: InvocationSummary[] }>('/__emulator/invocations?limit=200');
  show(byId('inv-list'), [list, state.invocation], () => {
    if (!list) return empty('未启用云函数运行时');
    return table(
      ['时间', '函数', '来源', '路由', '调用者 openid', '#耗时', '启动', '#数据库调用', '结果'],
      list.invocations.map((i) =>
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
            outcomeBadge(i.outcome),
          ],
          {
            class: 'click' + (i.id === state.invocation ? ' selected' : ''),
            'data-id': i.id,
            onclick: () => {
              state.invocation = i.id;
              void refresh();
            },
          },
        ),
      ),
      '暂无调用记录',
    );
  });
  if (!state.invocation) return;
  const detail = await api<Invocation>('GET', '/__emulator/invocations/' + encodeURIComponent(state.invocation)).catch(
    () => null,
  );
  show(byId('inv-detail'), detail, () => {
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
      ['服务端 API 调用', detail.adminCalls],
    ];
    return [
      h(
        'table',
        {},
        h(
          'tbody',
          {},
          meta.map(([k, v]) => h('tr', {}, h('th', {}, k), h('td', { class: 'mono' }, String(v)))),
          h('tr', {}, h('th', {}, '结果'), h('td', {}, outcomeBadge(detail.outcome))),
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
  });
}
