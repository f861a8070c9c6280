import { api, optional } from './api.js';
import { openCollection } from './database.js';
import { byId, card, empty, h, messageOf, num, row, table } from './dom.js';
import { redraw, refresh, show } from './page.js';
import type { FunctionList, ResetInfo, Status } from './types.js';

/** 概览: the environment's numbers, the collections and the functions, and wiping the data (then re-seeding it). */
function resetMessage(text: string, ok: boolean): void {
  const el = byId('reset-msg');
  el.textContent = text;
  el.className = 'msg ' + (ok ? 'ok' : 'err');
}

/** Two clicks instead of confirm(): no modal dialog. The first arms the button, the second runs it. */
function twoStep(id: string, label: string, armed: string, run: () => Promise<void>): HTMLButtonElement {
  const button: HTMLButtonElement = h(
    'button',
    {
      class: 'btn danger',
      id,
      onclick: () => {
        if (!button.dataset.armed) {
          button.dataset.armed = '1';
          button.textContent = armed;
          return;
        }
        delete button.dataset.armed;
        button.textContent = label;
        button.disabled = true;
        void run().finally(() => {
          button.disabled = false;
        });
      },
    },
    label,
  );
  return button;
}

async function reset(reseed: boolean): Promise<void> {
  try {
    const res = await api<{ cleared: Record<string, number>; reseeded: boolean }>('POST', '/__emulator/reset', { reseed });
    const removed = Object.values(res.cleared).reduce((a, b) => a + b, 0);
    resetMessage(
      res.reseeded ? '已清空（删除 ' + removed + ' 个文档），并已重新写入示例数据' : '已清空，删除了 ' + removed + ' 个文档',
      true,
    );
  } catch (err) {
    resetMessage('操作失败：' + messageOf(err), false);
  }
  redraw('overview-data');
  await refresh();
}

function buildView(view: HTMLElement): void {
  view.replaceChildren(
    h('div', { id: 'overview-data' }),
    h(
      'section',
      { class: 'card', id: 'reset-card', hidden: true },
      h('h2', {}, '数据'),
      h(
        'p',
        { class: 'muted', style: 'margin-top:0' },
        '清空数据会删除所有集合中的文档（集合和索引保留；存储文件、支付沙箱和调用记录不受影响）。',
        h(
          'span',
          { id: 'reset-help' },
          '模拟器不知道项目的示例数据：要重新写入，请用项目的启动命令重新启动（本仓库的商城：npm start -- --reset 删除本地数据后重新写入示例数据）。',
        ),
      ),
      h(
        'div',
        { class: 'row' },
        twoStep('reset-data', '清空数据', '确认清空？', () => reset(false)),
        twoStep('reset-reseed', '清空并重新写入示例数据', '确认清空并重新写入？', () => reset(true)),
        h('span', { id: 'reset-msg', class: 'msg' }),
      ),
    ),
  );
}

export async function renderOverview(view: HTMLElement): Promise<void> {
  if (!document.getElementById('overview-data')) buildView(view);
  const [status, functions, resetInfo] = await Promise.all([
    api<Status>('GET', '/__emulator/status'),
    optional<FunctionList>('/__emulator/functions'),
    optional<ResetInfo>('/__emulator/reset'),
  ]);
  byId('env').textContent = '环境 ' + status.envId;
  byId('reset-card').hidden = !resetInfo;
  byId('reset-reseed').hidden = !resetInfo?.canReseed;
  byId('reset-help').hidden = !!resetInfo?.canReseed;
  show(byId('overview-data'), [status, functions], () => {
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
