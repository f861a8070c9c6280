import type http from 'node:http';
import { type EmulatorHost, readBody, sendJson } from '../host.js';
import type { InvocationOutcome } from './types.js';
import { randomHex } from '../random.js';

/**
 * How the outside world reaches functions:
 * - `POST /functions/<name>`: what `wx.cloud.callFunction({name, data})` does for a signed-in mini-program user. The
 *   JSON body is `data`; the caller's identity comes from `x-wx-openid` (required), `x-wx-appid`, `x-wx-unionid`.
 * - the HTTP access service: paths declared in cloudbaserc.json call a function with CloudBase's integration event.
 */
export interface HttpRoute {
  /** A path prefix, e.g. `/api/admin`: it and everything below it go to the function. */
  path: string;
  function: string;
}

/** wx.cloud's error codes for callFunction failures, as a mini-program sees them. */
const CLIENT_ERRORS = {
  FUNCTION_NOT_FOUND: { status: 404, errCode: -501000, text: 'FunctionName parameter could not be found' },
  FUNCTIONS_EXECUTE_FAIL: { status: 500, errCode: -504002, text: 'functions execute fail' },
  FUNCTIONS_TIME_LIMIT_EXCEEDED: { status: 504, errCode: -504003, text: 'functions time limit exceeded' },
} as const;

export function installGateways(options: { httpRoutes?: HttpRoute[] } = {}) {
  return (host: EmulatorHost): void => {
    host.addRoute('POST', '/functions/:name', async (req, res, params) => {
      const requestID = randomHex(12);
      const openid = header(req, 'x-wx-openid');
      if (!openid) {
        sendJson(res, 401, {
          errCode: -1,
          errMsg: 'cloud.callFunction:fail the x-wx-openid header (the signed-in user) is required',
          requestID,
        });
        return;
      }
      let data: unknown;
      try {
        const raw = (await readBody(req, 6 * 1024 * 1024)).toString('utf8');
        data = raw.trim() ? JSON.parse(raw) : {};
      } catch {
        sendJson(res, 400, {
          errCode: -1,
          errMsg: 'cloud.callFunction:fail the request body must be JSON (at most 6 MB)',
          requestID,
        });
        return;
      }
      if (data === null || typeof data !== 'object' || Array.isArray(data)) {
        sendJson(res, 400, { errCode: -1, errMsg: 'cloud.callFunction:fail data must be an object', requestID });
        return;
      }
      const appid = header(req, 'x-wx-appid') ?? 'wx-local-appid';
      const unionid = header(req, 'x-wx-unionid');
      const event = { ...(data as Record<string, unknown>), userInfo: { appId: appid, openId: openid } };
      const outcome = await host.functions!.invoke(params.name!, event, {
        source: 'gateway',
        identity: { openid, appid, unionid, clientIp: req.socket.remoteAddress?.replace(/^::ffff:/, '') },
      });
      if (outcome.ok)
        sendJson(res, 200, { result: outcome.result, errMsg: 'cloud.callFunction:ok', requestID: outcome.invocationId });
      else sendClientError(res, outcome, requestID);
    });

    for (const route of options.httpRoutes ?? []) {
      const prefix = route.path.replace(/\/+$/, '') || '';
      host.addRoute('*', `${prefix}/*`, async (req, res, _params, url) => {
        const body = await readBody(req, 6 * 1024 * 1024);
        const textual =
          /^(text\/|application\/(json|x-www-form-urlencoded|xml))/.test(req.headers['content-type'] ?? '') || body.length === 0;
        const event = {
          path: url.pathname,
          httpMethod: req.method,
          headers: {
            ...Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : (v ?? '')])),
            // As a proxy does: the address the request came from, after whatever the client claimed.
            'x-forwarded-for': [req.headers['x-forwarded-for'], req.socket.remoteAddress].filter(Boolean).join(', '),
          },
          queryStringParameters: Object.fromEntries(url.searchParams),
          body: textual ? body.toString('utf8') : body.toString('base64'),
          isBase64Encoded: !textual,
          requestContext: { path: prefix || '/', httpMethod: req.method, envId: host.envId },
        };
        const outcome = await host.functions!.invoke(route.function, event, { source: 'http' });
        if (!outcome.ok) {
          sendJson(res, outcome.code === 'FUNCTION_NOT_FOUND' ? 404 : 502, { code: outcome.code, message: outcome.message });
          return;
        }
        sendIntegrationResponse(res, outcome.result);
      });
    }
  };
}

function header(req: http.IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  const s = Array.isArray(v) ? v[0] : v;
  return s && s.trim() ? s.trim() : undefined;
}

function sendClientError(res: http.ServerResponse, outcome: Extract<InvocationOutcome, { ok: false }>, requestID: string): void {
  const e = CLIENT_ERRORS[outcome.code];
  sendJson(res, e.status, {
    errCode: e.errCode,
    errMsg: `cloud.callFunction:fail ${e.errCode} ${e.text}. ${outcome.message}`,
    requestID: outcome.invocationId ?? requestID,
  });
}

/**
 * CloudBase's integration response: `{statusCode, headers, body, isBase64Encoded}` is sent as described; any other
 * return value is sent as JSON, as the platform does.
 */
function sendIntegrationResponse(res: http.ServerResponse, result: unknown): void {
  const r = result as { statusCode?: unknown; headers?: unknown; body?: unknown; isBase64Encoded?: unknown } | null;
  if (r && typeof r === 'object' && typeof r.statusCode === 'number') {
    const headers = (r.headers && typeof r.headers === 'object' ? r.headers : {}) as Record<string, string>;
    const body = r.body === undefined ? '' : typeof r.body === 'string' ? r.body : JSON.stringify(r.body);
    const bytes = r.isBase64Encoded ? Buffer.from(body, 'base64') : Buffer.from(body, 'utf8');
    res.writeHead(r.statusCode, {
      'content-type': 'application/json; charset=utf-8',
      ...headers,
      'content-length': bytes.length,
    });
    res.end(bytes);
    return;
  }
  sendJson(res, 200, result ?? null, 'application/json; charset=utf-8');
}
