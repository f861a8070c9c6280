import { AccessRoutes, CSRF_HEADER, SESSION_COOKIE, SignInInput } from '../../typings/admin-access.js';
import type { AdminDoc } from '../../typings/admin.js';
import { type Envelope, ErrorCode } from '../../typings/common.js';
import { cloud } from '../shared/platform/cloud.js';
import { serve } from '../shared/platform/route.js';
import { parseParams } from '../shared/platform/validation.js';
import { ShopError } from '../shared/rules/errors.js';
import { db } from '../shared/store/db.js';
import {
  answer,
  clearedCookie,
  clientOf,
  cookie,
  header,
  type HttpAnswer,
  type HttpEvent,
  isHttpEvent,
  jsonBody,
  sameToken,
  sessionCookie,
} from './access/http.js';
import { closeSession, liveSession } from './access/sessions.js';
import { signIn } from './access/sign-in.js';
import { ADMINS, FORBIDDEN_MESSAGE, findMerchant, mayAct, type Merchant, runAs } from './rbac.js';

/**
 * The back office's gate: nothing runs until the caller is known to be an active merchant, so a stranger learns
 * nothing, not even which routes exist or what they accept.
 * - WeChat (`wx.cloud.callFunction`): the caller is `cloud.getWXContext().OPENID`, a merchant by its `admins` document.
 * - HTTP access (the web page): `auth.signIn` opens a session; every other request needs the session cookie and the
 *   session's CSRF token in the `x-csrf-token` header, and the account must still be active and not locked.
 */
type Dispatch = (event: Record<string, unknown>) => Promise<Envelope<unknown>>;

const fail = (code: ErrorCode, message: string): Envelope<never> => ({ ok: false, code, message });
const BUSY = fail(ErrorCode.INTERNAL, '系统繁忙，请稍后再试');

export function serveAdmin(
  routes: Parameters<typeof serve>[0],
): (event: Record<string, unknown>) => Promise<Envelope<unknown> | HttpAnswer> {
  const dispatch = serve(routes);
  return (event) => (isHttpEvent(event) ? serveHttp(event, dispatch) : serveWeChat(event, dispatch));
}

async function serveWeChat(event: Record<string, unknown>, dispatch: Dispatch): Promise<Envelope<unknown>> {
  const context = cloud.getWXContext();
  const openid = String(context.OPENID ?? '');
  let merchant: Merchant | undefined;
  try {
    merchant = await findMerchant(openid);
  } catch (err) {
    console.error('admin: could not check the caller', err);
    return BUSY;
  }
  if (!merchant) {
    if (openid) console.warn(`admin: refused caller ${openid} (${String(event.$url)})`);
    return fail(ErrorCode.FORBIDDEN, FORBIDDEN_MESSAGE);
  }
  const ip = typeof context.CLIENTIP === 'string' && context.CLIENTIP ? context.CLIENTIP : undefined;
  return runAs({ ...merchant, ...(ip ? { ip } : {}) }, () => dispatch(event));
}

async function serveHttp(event: HttpEvent, dispatch: Dispatch): Promise<HttpAnswer> {
  if (event.httpMethod !== 'POST') return answer(fail(ErrorCode.VALIDATION, '仅支持 POST 请求'), undefined, 405);
  const body = jsonBody(event);
  if (!body || typeof body.$url !== 'string')
    return answer(fail(ErrorCode.VALIDATION, '请求体须为 JSON 对象，并以 $url 指明接口'), undefined, 400);
  const client = clientOf(event);
  const now = new Date();
  try {
    if (body.$url === AccessRoutes.signIn) {
      const { $url: _url, ...params } = body;
      const parsed = parseParams(SignInInput, params);
      if (!parsed.success) return answer(fail(ErrorCode.VALIDATION, parsed.message));
      const { result, token } = await signIn(parsed.data, client, now);
      return answer({ ok: true, data: result }, token ? sessionCookie(event, token) : undefined);
    }
    const token = cookie(event, SESSION_COOKIE);
    const session = token ? await liveSession(token, now) : undefined;
    if (!session) return answer(fail(ErrorCode.UNAUTHENTICATED, '请先登录'), token ? clearedCookie(event) : undefined);
    if (!sameToken(header(event, CSRF_HEADER), session.csrfToken))
      return answer(fail(ErrorCode.FORBIDDEN, '请求校验失败，请刷新页面后重试'), undefined, 403);
    const account = (await db.collection<AdminDoc>(ADMINS).doc(session.staffId).get()).data;
    if (!mayAct(account, now) || account.username === undefined) {
      await closeSession(session._id);
      return answer(fail(ErrorCode.UNAUTHENTICATED, '账号已停用或已锁定，请联系店主'), clearedCookie(event));
    }
    const merchant: Merchant = {
      id: account._id,
      role: account.role,
      name: account.name,
      via: 'password',
      sessionId: session._id,
      ...(session.verifiedUntil instanceof Date ? { verifiedUntil: session.verifiedUntil } : {}),
      ...client,
    };
    const envelope = await runAs(merchant, () => dispatch(body));
    const signedOut = body.$url === AccessRoutes.signOut && envelope.ok;
    return answer(envelope, signedOut ? clearedCookie(event) : undefined);
  } catch (err) {
    if (err instanceof ShopError) return answer(fail(err.code, err.message));
    console.error('admin: HTTP request failed', err);
    return answer(BUSY);
  }
}
