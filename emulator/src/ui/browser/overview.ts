import { api, optional } from './api.js';
import { openCollection } from './database.js';
import { byId, card, empty, h, num, row, table } from './dom.js';
import { show } from './page.js';
import type { FunctionList, Status } from './types.js';

/** 概览: the environment's numbers, the collections and the functions. */
export async function renderOverview(view: HTMLElement): Promise<void> {
  const [status, functions] = await Promise.all([
    api<Status>('GET', '/__emulator/status'),
    optional<FunctionList>('/__emulator/functions'),
  ]);
  byId('env').textContent = '环境 ' + status.envId;
  show(view, [status, functions], () => {
    const stats = functions ? functions.stats : { coldStarts: 0, warmStarts: 0 };
    const stat = (k: string, v: string | number) =>
      h('div', { class: 'stat' }, h('div', { class: 'v' }, String(v)), h('div', { class: 'k' }, k));
    return [
      h(
        'div',
        { class: 'stats', style: 'margin-bottom:1rem' },
        stat('环境 ID', status.envId),
        stat('集合', status.collections.length),
        stat('数据库请求', status.requests),
        stat('请求错误', status.errors),
        stat('进行中的事务', status.openTransactions.length),
        stat('已提交 / 冲突的事务', status.transactions.committed + ' / ' + status.transactions.conflicts),
        stat('冷启动', stats.coldStarts),
        stat('热启动', stats.warmStarts),
      ),
      card(
        '集合',
        table(
          ['集合', '#文档数', '索引'],
          status.collections.map((c) =>
            row([
              h(
                'td',
                {},
                h(
                  'a',
                  {
                    href: '#database',
                    onclick: (e) => {
                      e.preventDefault();
                      openCollection(c.name);
                    },
                  },
                  c.name,
                ),
              ),
              num(c.count),
              c.indexes.length ? c.indexes.map((i) => h('div', {}, i.name, i.unique ? ' (唯一)' : '')) : '—',
            ]),
          ),
          '暂无集合',
        ),
      ),
      card(
        '云函数',
        functions
          ? table(
              ['函数', '#实例数 (上限 ' + functions.maxInstances + ')', '#超时 (秒)', '定时触发器'],
              functions.functions.map((f) =>
                row([
                  h('code', {}, f.name),
                  num(f.instances),
                  num(f.config?.timeout || 3),
                  (f.config?.triggers || []).map((t) => h('div', {}, t.name + ' ', h('code', {}, t.config))),
                ]),
              ),
              '没有云函数',
            )
          : empty('未启用云函数运行时'),
      ),
    ];
  });
}
