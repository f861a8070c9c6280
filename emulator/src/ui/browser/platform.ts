import { api, optional } from './api.js';
import { badge, bytes, card, compact, empty, h, json, messageOf, num, row, table, time } from './dom.js';
import { redraw, refresh, show } from './page.js';
import type { OutboxMessage, StoredFile, TimerList } from './types.js';

/** The platform's other services: 消息 (the subscribe-message outbox), 定时器 (timer triggers) and 存储 (files). */
export async function renderOutbox(view: HTMLElement): Promise<void> {
  const outbox = await optional<{ messages: OutboxMessage[] }>('/__emulator/outbox');
  show(view, outbox, () => {
    if (!outbox) return card(null, empty('未启用开放接口服务'));
    const clear = h(
      'button',
      { class: 'btn danger', onclick: () => void api('DELETE', '/__emulator/outbox').then(() => refresh()) },
      '清空',
    );
    const messages = outbox.messages.slice().reverse();
    return card(
      null,
      h('div', { class: 'row' }, h('h2', { style: 'margin:0;flex:1' }, '订阅消息发件箱（' + messages.length + '）'), clear),
      table(
        ['时间', '接口', '发送函数', '接收者 openid', '模板 ID', '跳转页面', '结果', '内容'],
        messages.map((m) =>
          row([
            time(m.time),
            h('code', {}, m.api),
            m.functionName || '—',
            h('span', { class: 'mono' }, compact(m.touser) || '—'),
            h('span', { class: 'mono' }, compact(m.templateId) || '—'),
            compact(m.page) || '—',
            m.outcome === 'sent' ? badge('已发送', 'ok') : badge('被拒绝 ' + m.errcode + ' ' + m.errmsg, 'err'),
            m.data === undefined ? '—' : h('pre', { style: 'margin:0;max-height:8rem' }, json(m.data)),
          ]),
        ),
        '发件箱为空',
      ),
    );
  });
}

async function runTimer(name: string, button: HTMLButtonElement): Promise<void> {
  button.disabled = true;
  button.textContent = '执行中…';
  try {
    await api('POST', '/__emulator/timers/' + encodeURIComponent(name) + '/run');
  } catch (err) {
    alert('执行失败：' + messageOf(err));
  }
  redraw('view-timers');
  await refresh();
}

export async function renderTimers(view: HTMLElement): Promise<void> {
  const timers = await optional<TimerList>('/__emulator/timers');
  show(view, timers, () => {
    if (!timers) return card(null, empty('未启用定时触发器'));
    return card(
      timers.paused ? '定时触发器（已暂停）' : '定时触发器',
      table(
        ['函数', '触发器', 'Cron 表达式', '下次触发', '最近触发', '操作'],
        timers.timers.map((t) => {
          const run: HTMLButtonElement = h(
            'button',
            {
              class: 'btn primary',
              'data-run': t.functionName,
              disabled: !!t.error,
              onclick: () => void runTimer(t.functionName, run),
            },
            '立即执行',
          );
          return row(
            [
              h('code', {}, t.functionName),
              t.triggerName,
              h('code', {}, t.cron),
              t.error ? h('span', { class: 'msg err' }, t.error) : time(t.nextFireTime),
              t.firings.length
                ? t.firings
                    .slice(0, 3)
                    .map((f) =>
                      h(
                        'div',
                        {},
                        time(f.firedTime) + ' ',
                        f.manual ? badge('手动', 'info') : badge('定时', ''),
                        ' ',
                        f.outcome.ok ? badge('成功', 'ok') : badge('失败', 'err'),
                      ),
                    )
                : h('span', { class: 'muted' }, '尚未触发'),
              run,
            ],
            { 'data-timer': t.functionName },
          );
        }),
        '没有配置定时触发器的云函数',
      ),
    );
  });
}

export async function renderStorage(view: HTMLElement): Promise<void> {
  const storage = await optional<{ files: StoredFile[] }>('/__emulator/storage');
  // Temporary URLs are signed per request: key the view on the files themselves so it does not redraw every time.
  show(view, storage && storage.files.map((f) => [f.path, f.size, f.updatedAt]), () => {
    if (!storage) return card(null, empty('未启用云存储'));
    return card(
      '云存储文件（' + storage.files.length + '）',
      table(
        ['路径', '#大小', '更新时间', 'fileID'],
        storage.files.map((f) =>
          row([
            h('a', { href: f.tempFileURL, target: '_blank', rel: 'noopener' }, f.path),
            num(bytes(f.size)),
            time(f.updatedAt),
            h('span', { class: 'mono cell', title: f.fileID }, f.fileID),
          ]),
        ),
        '暂无文件',
      ),
    );
  });
}
