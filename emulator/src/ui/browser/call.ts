import { optional } from './api.js';
import { byId, card, h, json, messageOf } from './dom.js';
import { businessErrorText, isBusinessError, openInvocation } from './invocations.js';
import type { CallAnswer, FunctionList } from './types.js';

/**
 * 调用函数: play a signed-in shopper. Calls a function through the mini-program's gateway exactly as
 * `wx.cloud.callFunction({ name, data })` does (`POST /functions/<name>`, the JSON body is `data`, the identity in
 * `x-wx-openid`), and shows what the mini-program would get back.
 */
const OPENID_KEY = 'emulator-ui.call.openid';

function status(text: string, kind: 'ok' | 'err' | 'warn' | ''): void {
  const el = byId('call-status');
  el.textContent = text;
  el.className = 'msg ' + kind;
}

/** The gateway's answer as the mini-program gets it, and a link to the invocation behind it; nothing when undefined. */
function showAnswer(answer: unknown, invocationId: string | undefined): void {
  byId('call-result').textContent = answer === undefined ? '' : json(answer);
  const link = byId('call-invocation');
  link.hidden = !invocationId;
  link.dataset.id = invocationId ?? '';
}

async function callFunction(): Promise<void> {
  const name = byId<HTMLSelectElement>('call-function').value;
  const openid = byId<HTMLInputElement>('call-openid').value.trim();
  const text = byId<HTMLTextAreaElement>('call-data').value.trim();
  showAnswer(undefined, undefined);
  if (!name) return status('请选择云函数', 'err');
  if (!openid) return status('请填写调用者 openid（小程序用户的身份）', 'err');
  let data: unknown;
  try {
    data = text ? JSON.parse(text) : {};
  } catch (err) {
    return status('data 不是合法的 JSON：' + messageOf(err), 'err');
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return status('data 必须是 JSON 对象', 'err');
  localStorage.setItem(OPENID_KEY, openid);

  const button = byId<HTMLButtonElement>('call-submit');
  button.disabled = true;
  status('调用中…', '');
  const started = performance.now();
  try {
    const res = await fetch('/functions/' + encodeURIComponent(name), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-wx-openid': openid },
      body: JSON.stringify(data),
    });
    const took = Math.round(performance.now() - started) + ' ms';
    const answer = (await res.json().catch(() => null)) as CallAnswer | null;
    showAnswer(answer, answer?.requestID);
    if (!res.ok || !answer) {
      status('失败 · HTTP ' + res.status + ' · ' + (answer?.errCode ?? '') + ' ' + (answer?.errMsg ?? '') + ' · ' + took, 'err');
    } else if (isBusinessError(answer.result)) {
      status('业务错误 ' + businessErrorText(answer.result) + ' · HTTP 200 · ' + took, 'warn');
    } else {
      status('成功 · HTTP 200 · ' + took, 'ok');
    }
  } catch (err) {
    status('请求失败：' + messageOf(err), 'err');
  } finally {
    button.disabled = false;
  }
}

function buildView(view: HTMLElement): void {
  view.replaceChildren(
    h(
      'div',
      { class: 'split2' },
      card(
        '以小程序用户身份调用云函数',
        h(
          'p',
          { class: 'muted', style: 'margin-top:0' },
          '等同于小程序里已登录用户的 wx.cloud.callFunction({ name, data })：POST /functions/<name>，请求体即 data，',
          '请求头 x-wx-openid 是用户身份，云函数里 cloud.getWXContext().OPENID 读到的就是它。',
        ),
        h(
          'div',
          { class: 'row' },
          h('label', { class: 'field' }, '云函数', h('select', { id: 'call-function' }, h('option', { value: '' }, '请选择'))),
          h(
            'label',
            { class: 'field', style: 'flex:1' },
            '调用者 openid',
            h('input', {
              class: 'text',
              id: 'call-openid',
              value: localStorage.getItem(OPENID_KEY) ?? 'o-local-shopper',
              spellcheck: 'false',
            }),
          ),
        ),
        h(
          'label',
          { class: 'field' },
          'data（JSON 对象；按路由分发的函数写上 $url）',
          h('textarea', { id: 'call-data', class: 'small', spellcheck: 'false', placeholder: '{\n  "$url": "product/list"\n}' }),
        ),
        h(
          'div',
          { class: 'row', style: 'margin-top:.6rem' },
          h('button', { class: 'btn primary', id: 'call-submit', onclick: () => void callFunction() }, '调用'),
        ),
      ),
      card(
        '返回',
        h('div', { class: 'msg', id: 'call-status' }),
        h(
          'a',
          {
            href: '#invocations',
            id: 'call-invocation',
            hidden: true,
            onclick: (e) => {
              e.preventDefault();
              const id = (e.currentTarget as HTMLElement).dataset.id;
              if (id) openInvocation(id);
            },
          },
          '查看这次调用的日志和详情',
        ),
        h('pre', { id: 'call-result' }),
      ),
    ),
  );
}

export async function renderCall(view: HTMLElement): Promise<void> {
  if (!document.getElementById('call-function')) buildView(view);
  const functions = await optional<FunctionList>('/__emulator/functions');
  const select = byId<HTMLSelectElement>('call-function');
  const names = (functions?.functions ?? []).map((f) => f.name);
  const current = [...select.options].slice(1).map((o) => o.value);
  if (current.join('\n') !== names.join('\n')) {
    const chosen = select.value;
    select.replaceChildren(
      h('option', { value: '' }, names.length ? '请选择' : '没有云函数'),
      ...names.map((n) => h('option', { value: n }, n)),
    );
    select.value = names.includes(chosen) ? chosen : '';
  }
}
