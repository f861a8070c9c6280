import { AsyncLocalStorage } from 'node:async_hooks';
import type { z } from 'zod';
import {
  ADMIN_PERMISSION_LABELS,
  ADMIN_ROLE_LABELS,
  ADMIN_ROLES,
  type AdminPermission,
  type AdminRole,
  ROLE_PERMISSIONS,
} from '../../typings/admin-access.js';
import type { AdminDoc } from '../../typings/admin.js';
import { ErrorCode } from '../../typings/common.js';
import { type Route, route, type RouteContext } from '../shared/platform/route.js';
import { ShopError } from '../shared/rules/errors.js';
import { db } from '../shared/store/db.js';

/**
 * Who may do what in the back office (docs/back-office.md). The gate (index.ts) finds who is calling, a WeChat
 * merchant by openid or a staff account by session, and runs the route as them (`runAs`); each route names the one
 * permission it needs, which the caller's role grants through ROLE_PERMISSIONS (typings/admin-access.ts), and a
 * sensitive one also asks for a fresh second verification. Anything unexpected (inactive, unknown role, locked) is
 * refused, never guessed.
 */
export { ROLE_PERMISSIONS };

export const ADMINS = 'admins';
/** Staff accounts of the web page live beside WeChat merchants in `admins`, under this prefix (never an openid). */
export const STAFF_PREFIX = 'staff:';

export interface Merchant {
  /** The `admins` document: the openid of a WeChat merchant, `staff:<username>` for a staff account. */
  id: string;
  role: AdminRole;
  name: string;
  via: 'wechat' | 'password';
  /** The session a staff account's request came with (its hash, the `admin_sessions` id). */
  sessionId?: string;
  /** Until when a second verification holds for this session (or WeChat merchant). */
  verifiedUntil?: Date;
  ip?: string;
  userAgent?: string;
}

export interface AdminContext extends RouteContext {
  merchant: Merchant;
}

export const FORBIDDEN_MESSAGE = '无权限';
export const VERIFICATION_MESSAGE = '此操作需要二次验证：请输入身份验证器中的 6 位验证码';

/** Whether an `admins` document may act at all: active, a known role, not locked now. */
export function mayAct(doc: AdminDoc | null | undefined, now: Date): doc is AdminDoc {
  if (!doc || doc.active !== true || !(ADMIN_ROLES as readonly unknown[]).includes(doc.role)) return false;
  return !(doc.lockedUntil instanceof Date && doc.lockedUntil > now);
}

/** The active WeChat merchant with this openid, or undefined for anyone else (shoppers, disabled staff, malformed). */
export async function findMerchant(openid: string, now = new Date()): Promise<Merchant | undefined> {
  if (!openid || openid.startsWith(STAFF_PREFIX)) return undefined;
  const doc = (await db.collection<AdminDoc>(ADMINS).doc(openid).get()).data;
  // A staff account is only ever reached with its password, whatever its id.
  if (!mayAct(doc, now) || doc.username !== undefined) return undefined;
  return {
    id: openid,
    role: doc.role,
    name: typeof doc.name === 'string' ? doc.name : '',
    via: 'wechat',
    ...(doc.verifiedUntil instanceof Date ? { verifiedUntil: doc.verifiedUntil } : {}),
  };
}

export function can(merchant: Pick<Merchant, 'role'>, permission: AdminPermission): boolean {
  return ROLE_PERMISSIONS[merchant.role]?.includes(permission) ?? false;
}

export function requirePermission(merchant: Merchant, permission: AdminPermission): void {
  if (!can(merchant, permission)) {
    throw new ShopError(
      ErrorCode.FORBIDDEN,
      `${FORBIDDEN_MESSAGE}：${ADMIN_ROLE_LABELS[merchant.role]}不能${ADMIN_PERMISSION_LABELS[permission]}`,
    );
  }
}

export function isVerified(ctx: AdminContext): boolean {
  const until = ctx.merchant.verifiedUntil;
  return until instanceof Date && until > ctx.now;
}

/** Second verification (二次验证): refused with VERIFICATION_REQUIRED unless a fresh TOTP code was given. */
export function requireVerification(ctx: AdminContext): void {
  if (!isVerified(ctx)) throw new ShopError(ErrorCode.VERIFICATION_REQUIRED, VERIFICATION_MESSAGE);
}

/** The merchant the gate let in, for the routes of this invocation. */
const current = new AsyncLocalStorage<Merchant>();

export function runAs<T>(merchant: Merchant, fn: () => Promise<T>): Promise<T> {
  return current.run(merchant, fn);
}

export interface AdminRouteOptions {
  /** Sensitive: also needs a second verification. Routes sensitive only sometimes call `requireVerification`. */
  verify?: boolean;
}

/**
 * A route only merchants holding `permission` may run (`null`: any signed-in merchant, for their own account); the
 * handler gets the merchant in `ctx.merchant`.
 */
export function adminRoute<S extends z.ZodType, R>(
  permission: AdminPermission | null,
  input: S,
  run: (input: z.output<S>, ctx: AdminContext) => Promise<R>,
  options: AdminRouteOptions = {},
): Route<S, R> {
  // `public` for the shared serving code: identity here is the gate's, not only an openid (the web page has none).
  const caller = (): Merchant => {
    const merchant = current.getStore();
    // Only reachable through the gate; a route mounted anywhere else refuses rather than run unchecked.
    if (!merchant) throw new ShopError(ErrorCode.FORBIDDEN, FORBIDDEN_MESSAGE);
    if (permission) requirePermission(merchant, permission);
    return merchant;
  };
  return route(
    input,
    async (parsed, ctx) => {
      const adminCtx: AdminContext = { ...ctx, merchant: caller() };
      if (options.verify) requireVerification(adminCtx);
      return run(parsed, adminCtx);
    },
    // The permission first: a role without it learns nothing of what the route accepts.
    { public: true, guard: () => void caller() },
  );
}
