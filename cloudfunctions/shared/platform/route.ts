import TcbRouter from 'tcb-router';
import type { z } from 'zod';
import { type Envelope, ErrorCode } from '../../../typings/common.js';
import { cloud } from './cloud.js';
import { ShopError } from '../rules/errors.js';
import { parseParams } from './validation.js';

/**
 * How every function serves its routes (docs/architecture.md, "How a request flows"): tcb-router dispatches on `$url`,
 * the route's zod schema parses the parameters (unknown keys and bad values → VALIDATION, nothing runs), identity comes
 * only from `cloud.getWXContext()`, and the answer is the envelope `{ok: true, data}` or `{ok: false, code, message}`.
 */

export interface RouteContext {
  /** The caller's openid from the platform; empty for timer and payment invocations. */
  openid: string;
  now: Date;
}

export interface Route<S extends z.ZodType, R> {
  input: S;
  /** Routes a signed-in shopper calls refuse callers without an openid. */
  public?: boolean;
  /**
   * Runs before the parameters are parsed, to refuse a caller who may not use the route at all (a ShopError), so they
   * learn nothing of what it accepts.
   */
  guard?(): void;
  run(input: z.output<S>, ctx: RouteContext): Promise<R>;
}

export function route<S extends z.ZodType, R>(
  input: S,
  run: (input: z.output<S>, ctx: RouteContext) => Promise<R>,
  options: { public?: boolean; guard?: () => void } = {},
): Route<S, R> {
  return { input, run, ...options };
}

/** Any route: its `run` is a method, so a route of a narrower schema is one of these. */
type AnyRoute = Route<z.ZodType, unknown>;

export function serve(routes: Record<string, AnyRoute>): (event: Record<string, unknown>) => Promise<Envelope<unknown>> {
  return async (event) => {
    const app = new TcbRouter({ event });
    for (const [name, def] of Object.entries(routes)) {
      app.router(name, async (ctx) => {
        ctx.body = await runRoute(def, event);
      });
    }
    const answer = (await app.serve()) as Envelope<unknown> | undefined;
    return answer ?? fail(ErrorCode.UNKNOWN_ROUTE, `未知的接口：${String(event.$url)}`);
  };
}

async function runRoute(def: AnyRoute, event: Record<string, unknown>): Promise<Envelope<unknown>> {
  const { $url: _url, userInfo: _userInfo, ...params } = event;
  try {
    def.guard?.();
  } catch (err) {
    if (err instanceof ShopError) return fail(err.code, err.message);
    throw err;
  }
  const parsed = parseParams(def.input, params);
  if (!parsed.success) return fail(ErrorCode.VALIDATION, parsed.message);
  const openid = String(cloud.getWXContext().OPENID ?? '');
  if (!def.public && !openid) return fail(ErrorCode.FORBIDDEN, '请先登录');
  try {
    return { ok: true, data: await def.run(parsed.data, { openid, now: new Date() }) };
  } catch (err) {
    if (err instanceof ShopError) return fail(err.code, err.message);
    console.error(err);
    return fail(ErrorCode.INTERNAL, '系统繁忙，请稍后再试');
  }
}

function fail(code: ErrorCode, message: string): Envelope<never> {
  return { ok: false, code, message };
}
