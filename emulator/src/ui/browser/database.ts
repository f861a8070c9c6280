import { api, read, retryRefused } from './api.js';
import { byId, card, compact, empty, h, json, messageOf, row, table } from './dom.js';
import { redraw, refresh, selectTab, show, state } from './page.js';
import type { CollectionInfo, Doc, DocumentPage } from './types.js';

/** 数据库: browse a collection page by page, filter it, and insert, replace or delete documents as JSON. */
export function openCollection(name: string): void {
  Object.assign(state.db, { collection: name, skip: 0, editingId: null });
  setEditor('', null);
  selectTab('database');
}

function setEditor(text: string, id: string | null): void {
  state.db.editingId = id;
  const editor = document.getElementById('db-editor') as HTMLTextAreaElement | null;
  if (!editor) return; // the database tab is built on first show, empty
  editor.value = text;
  byId('db-editing').textContent = id ? '编辑文档 ' + id : '新文档（保存即插入）';
  byId<HTMLButtonElement>('db-delete').disabled = !id;
  resetDelete();
  redraw('db-table'); // to move the selection highlight
}

function dbMessage(text: string, ok: boolean): void {
  const el = byId('db-msg');
  el.textContent = text;
  el.className = 'msg ' + (ok ? 'ok' : 'err');
}

const documentsOf = (collection: string | null) =>
  '/__emulator/collections/' + encodeURIComponent(collection ?? '') + '/documents';

async function saveDocument(): Promise<void> {
  const db = state.db;
  let doc: unknown;
  try {
    doc = JSON.parse(byId<HTMLTextAreaElement>('db-editor').value);
  } catch (err) {
    return dbMessage('JSON 格式错误：' + messageOf(err), false);
  }
  const base = documentsOf(db.collection);
  try {
    if (db.editingId) {
      const res = await api<{ document: Doc }>('PUT', base + '/' + encodeURIComponent(db.editingId), doc);
      setEditor(json(res.document), db.editingId);
      dbMessage('已保存', true);
    } else {
      const res = await api<{ _id: string; document: Doc }>('POST', base, doc);
      setEditor(json(res.document), res._id);
      dbMessage('已插入文档 ' + res._id, true);
    }
  } catch (err) {
    dbMessage('保存失败：' + messageOf(err), false);
  }
  await refresh();
}

let deleteArmed = false;
function resetDelete(): void {
  deleteArmed = false;
  const button = document.getElementById('db-delete');
  if (button) button.textContent = '删除';
}
async function deleteDocument(): Promise<void> {
  const db = state.db;
  if (!db.editingId) return;
  if (!deleteArmed) {
    // two clicks instead of confirm(): no modal dialog
    deleteArmed = true;
    byId('db-delete').textContent = '确认删除？';
    return;
  }
  try {
    await api('DELETE', documentsOf(db.collection) + '/' + encodeURIComponent(db.editingId));
    dbMessage('已删除文档 ' + db.editingId, true);
    setEditor('', null);
  } catch (err) {
    dbMessage('删除失败：' + messageOf(err), false);
  }
  await refresh();
}

function buildDatabaseView(view: HTMLElement): void {
  const filter = h('input', {
    class: 'text',
    id: 'db-filter',
    placeholder: '筛选条件（JSON），例如 {"status": "paid"}',
    onkeydown: (e) => {
      if (e.key === 'Enter') applyFilter();
    },
  });
  view.replaceChildren(
    h(
      'div',
      { class: 'split' },
      card('集合', h('div', { class: 'list', id: 'db-collections' })),
      h(
        'div',
        {},
        card(
          null,
          h(
            'div',
            { class: 'row' },
            filter,
            h('button', { class: 'btn', onclick: applyFilter }, '查询'),
            h(
              'button',
              {
                class: 'btn',
                onclick: () => {
                  filter.value = '';
                  applyFilter();
                },
              },
              '清除',
            ),
          ),
          h('div', { id: 'db-table' }),
        ),
        card(
          null,
          h(
            'div',
            { class: 'row' },
            h('strong', { id: 'db-editing' }, '新文档（保存即插入）'),
            h('span', { style: 'flex:1' }),
            h(
              'button',
              {
                class: 'btn',
                onclick: () => {
                  setEditor('{\n  \n}', null);
                  dbMessage('', true);
                },
              },
              '新建',
            ),
            h('button', { class: 'btn primary', id: 'db-save', onclick: () => void saveDocument() }, '保存'),
            h('button', { class: 'btn danger', id: 'db-delete', onclick: () => void deleteDocument(), disabled: true }, '删除'),
          ),
          h('textarea', {
            id: 'db-editor',
            spellcheck: 'false',
            placeholder: '点击表格中的文档进行编辑，或点击“新建”插入文档。日期写作 {"$date": "2024-01-01T00:00:00Z"}',
          }),
          h('div', { id: 'db-msg', class: 'msg' }),
        ),
      ),
    ),
  );
}

/** A filter that is not JSON is refused here and never sent; one the emulator refuses is not re-sent on refresh. */
let filterError: string | null = null;
function applyFilter(): void {
  const text = byId<HTMLInputElement>('db-filter').value.trim();
  filterError = null;
  try {
    if (text) JSON.parse(text);
  } catch (err) {
    filterError = '筛选条件不是合法的 JSON：' + messageOf(err);
  }
  state.db.query = text;
  state.db.skip = 0;
  retryRefused();
  void refresh();
}

export async function renderDatabase(view: HTMLElement): Promise<void> {
  if (!document.getElementById('db-editor')) buildDatabaseView(view);
  const db = state.db;
  const { collections } = await api<{ collections: CollectionInfo[] }>('GET', '/__emulator/collections');
  if (!db.collection || !collections.some((c) => c.name === db.collection)) db.collection = collections[0]?.name ?? null;
  show(byId('db-collections'), [collections, db.collection], () =>
    collections.length
      ? collections.map((c) =>
          h(
            'button',
            { class: c.name === db.collection ? 'active' : '', onclick: () => openCollection(c.name) },
            h('span', {}, c.name),
            h('span', { class: 'muted' }, String(c.count)),
          ),
        )
      : empty('暂无集合'),
  );
  byId<HTMLButtonElement>('db-save').disabled = !db.collection;
  const tableBox = byId('db-table');
  if (!db.collection) return show(tableBox, 'none', () => empty('请选择集合'));
  if (filterError) {
    const message = filterError;
    return show(tableBox, ['error', message], () => h('div', { class: 'msg err' }, message));
  }
  const params = new URLSearchParams({ skip: String(db.skip), limit: String(db.limit) });
  if (db.query) params.set('query', db.query);
  let page: DocumentPage;
  try {
    page = await read<DocumentPage>(documentsOf(db.collection) + '?' + params.toString());
  } catch (err) {
    return show(tableBox, ['error', messageOf(err)], () => h('div', { class: 'msg err' }, '查询失败：' + messageOf(err)));
  }
  show(tableBox, [page, db.editingId], () => {
    const fields: string[] = [];
    for (const doc of page.documents)
      for (const key of Object.keys(doc)) if (key !== '_id' && !fields.includes(key) && fields.length < 7) fields.push(key);
    const rows = page.documents.map((doc) => {
      const id = String(doc._id);
      return row(
        [
          h('td', { class: 'mono' }, id),
          ...fields.map((f) => h('td', { class: 'cell mono', title: compact(doc[f]) }, compact(doc[f]))),
        ],
        {
          class: 'click' + (id === db.editingId ? ' selected' : ''),
          'data-id': id,
          onclick: () => {
            setEditor(json(doc), id);
            dbMessage('', true);
          },
        },
      );
    });
    const last = Math.min(page.skip + page.documents.length, page.total);
    return [
      table(['_id', ...fields], rows, db.query ? '没有符合条件的文档' : '集合为空'),
      h(
        'div',
        { class: 'row', style: 'margin-top:.6rem' },
        h(
          'span',
          { class: 'muted' },
          page.total ? '第 ' + (page.skip + 1) + '–' + last + ' 条，共 ' + page.total + ' 条' : '共 0 条',
        ),
        h('span', { style: 'flex:1' }),
        h(
          'button',
          {
            class: 'btn',
            disabled: page.skip === 0,
            onclick: () => {
              db.skip = Math.max(0, db.skip - db.limit);
              void refresh();
            },
          },
          '上一页',
        ),
        h(
          'button',
          {
            class: 'btn',
            disabled: last >= page.total,
            onclick: () => {
              db.skip += db.limit;
              void refresh();
            },
          },
          '下一页',
        ),
      ),
    ];
  });
}
