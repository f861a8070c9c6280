import { api, optional } from './api.js';
import { badge, byId, bytes, card, compact, empty, h, json, messageOf, num, row, table, time } from './dom.js';
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

/** A stored file's temporary URL on this page's own origin (the service signs it for the address it listens on). */
const sameOrigin = (url: string): string => {
  const u = new URL(url, location.href);
  return u.pathname + u.search;
};
const cloudPathUrl = (path: string) => '/__emulator/storage/files/' + path.split('/').map(encodeURIComponent).join('/');
const IMAGE = /\.(png|jpe?g|gif|webp|svg|ico|bmp)$/i;
const TEXT = /\.(txt|json|csv|xml|html?|css|js|md|log)$/i;

function storageMessage(text: string, ok: boolean): void {
  const el = byId('storage-msg');
  el.textContent = text;
  el.className = 'msg ' + (ok ? 'ok' : 'err');
}

async function upload(): Promise<void> {
  const input = byId<HTMLInputElement>('storage-file');
  const files = [...(input.files ?? [])];
  if (!files.length) return storageMessage('请先选择文件', false);
  let dir = byId<HTMLInputElement>('storage-dir').value.trim().replace(/^\/+/, '');
  if (dir && !dir.endsWith('/')) dir += '/';
  const done: string[] = [];
  for (const file of files) {
    try {
      await api('PUT', cloudPathUrl(dir + file.name), file);
      done.push(dir + file.name);
    } catch (err) {
      storageMessage('上传 ' + dir + file.name + ' 失败：' + messageOf(err), false);
      break;
    }
  }
  if (done.length === files.length) storageMessage('已上传 ' + done.join('、'), true);
  input.value = '';
  await refresh();
}

async function preview(path: string): Promise<void> {
  const box = byId('storage-preview');
  // A freshly signed URL: the list is not redrawn when only its URLs' signatures change.
  const file = (await api<{ files: StoredFile[] }>('GET', '/__emulator/storage')).files.find((f) => f.path === path);
  if (!file) return void box.replaceChildren(empty('文件已不存在：' + path));
  const url = sameOrigin(file.tempFileURL);
  const open = h('a', { href: url, target: '_blank', rel: 'noopener' }, '在新窗口打开');
  box.dataset.path = file.path;
  if (IMAGE.test(file.path)) {
    box.replaceChildren(h('div', { class: 'row' }, h('code', {}, file.path), open), h('img', { src: url, alt: file.path }));
  } else if (TEXT.test(file.path) && file.size <= 256 * 1024) {
    let text: string;
    try {
      const res = await fetch(url);
      text = res.ok ? await res.text() : '读取失败：HTTP ' + res.status;
    } catch (err) {
      text = '读取失败：' + messageOf(err);
    }
    box.replaceChildren(h('div', { class: 'row' }, h('code', {}, file.path), open), h('pre', {}, text));
  } else {
    box.replaceChildren(h('div', { class: 'row' }, h('code', {}, file.path), open), empty('此类文件不能在页面中预览'));
  }
}

async function remove(path: string): Promise<void> {
  try {
    await api('DELETE', cloudPathUrl(path));
    storageMessage('已删除 ' + path, true);
    const box = byId('storage-preview');
    if (box.dataset.path === path) {
      delete box.dataset.path;
      box.replaceChildren(empty('点击文件的“预览”查看内容'));
    }
  } catch (err) {
    storageMessage('删除失败：' + messageOf(err), false);
  }
  redraw('storage-list');
  await refresh();
}

function buildStorageView(view: HTMLElement): void {
  view.replaceChildren(
    card(
      '上传文件',
      h(
        'div',
        { class: 'row' },
        h(
          'label',
          { class: 'field' },
          '目录（cloudPath 前缀）',
          h('input', { class: 'text short', id: 'storage-dir', value: 'uploads/', spellcheck: 'false' }),
        ),
        h('label', { class: 'field' }, '文件', h('input', { type: 'file', id: 'storage-file', multiple: true })),
        h('button', { class: 'btn primary', id: 'storage-upload', onclick: () => void upload() }, '上传'),
        h('span', { class: 'msg', id: 'storage-msg' }),
      ),
    ),
    h(
      'div',
      { class: 'split2' },
      h('section', { class: 'card' }, h('h2', { id: 'storage-title' }, '云存储文件'), h('div', { id: 'storage-list' })),
      card('预览', h('div', { class: 'preview', id: 'storage-preview' }, empty('点击文件的“预览”查看内容'))),
    ),
  );
}

/** Two clicks instead of confirm(): no modal dialog. */
function deleteButton(path: string): HTMLButtonElement {
  const button: HTMLButtonElement = h(
    'button',
    {
      class: 'btn danger',
      'data-delete': path,
      onclick: () => {
        if (button.dataset.armed) return void remove(path);
        button.dataset.armed = '1';
        button.textContent = '确认删除？';
      },
    },
    '删除',
  );
  return button;
}

export async function renderStorage(view: HTMLElement): Promise<void> {
  const storage = await optional<{ files: StoredFile[] }>('/__emulator/storage');
  if (!storage) return show(view, null, () => card(null, empty('未启用云存储')));
  if (!document.getElementById('storage-list')) buildStorageView(view);
  byId('storage-title').textContent = '云存储文件（' + storage.files.length + '）';
  // Temporary URLs are signed per request: key the list on the files themselves so it does not redraw every time.
  show(
    byId('storage-list'),
    storage.files.map((f) => [f.path, f.size, f.updatedAt]),
    () =>
      table(
        ['路径', '#大小', '更新时间', 'fileID', '操作'],
        storage.files.map((f) =>
          row(
            [
              h('a', { href: sameOrigin(f.tempFileURL), target: '_blank', rel: 'noopener' }, f.path),
              num(bytes(f.size)),
              time(f.updatedAt),
              h('span', { class: 'mono cell', title: f.fileID }, f.fileID),
              h(
                'span',
                { class: 'row', style: 'margin:0;flex-wrap:nowrap' },
                h('button', { class: 'btn', 'data-preview': f.path, onclick: () => void preview(f.path) }, '预览'),
                deleteButton(f.path),
              ),
            ],
            { 'data-path': f.path },
          ),
        ),
        '暂无文件',
      ),
  );
}
