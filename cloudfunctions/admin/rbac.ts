import { AsyncLocalStorage } from 'node:async_hooks';
import type { z } from 'zod';
import {
  ADMIN_PERMISSION_LABELS,
  ADMIN_PERMISSIONS,
  ADMIN_ROLE_LABELS,
  ADMIN_ROLES,
  type AdminDoc,
  type AdminPermission,
  type AdminRole,
} from '../../typings/admin.js';
import { type Envelope, ErrorCode } from '../../typings/common.js';
import { cloud } from '../shared/platform/cloud.js';
import { type Route, route, type RouteContext, serve } from '../shared/platform/route.js';
import { ShopError } from '../shared/rules/errors.js';
import { db } from '../shared/store/db.js';

/**
 * Who may do what in the back office. A merchant is an `admins` document `{_id: openid, role, name, active: true}`;
 * the role grants permissions through ROLE_PERMISSIONS, and each route names the one permission it needs. Anything
 * unexpected in the document (inactive, unknown role) is refused, never guessed. Later back-office features add a
 * permission to ADMIN_PERMISSIONS (typings/admin.ts) and to the roles below, and declare routes with `adminRoute`.
 */
export const ROLE_PERMISSIONS: Readonly<Record<AdminRole, readonly AdminPermission[]>> = {
  // The shop's owner can do everything, including whatever later features add (and alone pays out commission:
  // `withdrawals.manage`).
  owner: ADMIN_PERMISSIONS,
  // Operators ship, so they see the address in full.
  operator: ['orders.read', 'personal_data.read', 'orders.ship', 'refunds.decide'],
  // Customer service answers shoppers' questions: reads orders, changes nothing.
  service: ['orders.read'],
};

export interface Merchant {
  openid: string;
  role: AdminRole;
  name: string;
}

export interface AdminContext extends RouteContext {
  merchant: Merchant;
}

export const FORBIDDEN_MESSAGE = '无权限';

/** The active merchant with this openid, or undefined for anyone else (shoppers, disabled staff, malformed entries). */
export async function findMerchant(openid: string): Promise<Merchant | undefined> {
  if (!openid) return undefined;
  const doc = (await db.collection<AdminDoc>('admins').doc(openid).get()).data;
  if (!doc || doc.active !== true || !(ADMIN_ROLES as readonly unknown[]).includes(doc.role)) return undefined;
  return { openid, role: doc.role, name: typeof doc.name === 'string' ? doc.name : '' };
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

/** The merchant the gate let in, for the routes of this invocation. */
const current = new AsyncLocalStorage<Merchant>();

/** A route only merchants holding `permission` may run; the handler gets the merchant in `ctx.merchant`. */
export function adminRoute<S extends z.ZodType, R>(
  permission: AdminPermission,
  input: S,
  run: (input: z.output<S>, ctx: AdminContext) => Promise<R>,
): Route<S, R> {
  return route(input, async (parsed, ctx) => {
    const merchant = current.getStore();
    // Only reachable through `serveAdmin`; a route mounted anywhere else refuses rather than run unchecked.
    if (!merchant || merchant.openid !== ctx.openid) throw new ShopError(ErrorCode.FORBIDDEN, FORBIDDEN_MESSAGE);
    requirePermission(merchant, permission);
    return run(parsed, { ...ctx, merchant });
  });
}

/**
 * `serve()` behind a gate: the caller (`cloud.getWXContext().OPENID`) must be an active merchant before anything else
 * happens, so a shopper learns nothing from the admin function, not even which routes exist or what they accept.
 */
export function serveAdmin(routes: Parameters<typeof serve>[0]): (event: Record<string, unknown>) => Promise<Envelope<unknown>> {
  const dispatch = serve(routes);
  return async (event) => {
    const openid = String(cloud.getWXContext().OPENID ?? '');
    let merchant: Merchant | undefined;
    try {
      merchant = await findMerchant(openid);
    } catch (err) {
      console.error('admin: could not check the caller', err);
      return { ok: false, code: ErrorCode.INTERNAL, message: '系统繁忙，请稍后再试' };
    }
    if (!merchant) {
      if (openid) console.warn(`admin: refused caller ${openid} (${String(event.$url)})`);
      return { ok: false, code: ErrorCode.FORBIDDEN, message: FORBIDDEN_MESSAGE };
    }
    return current.run(merchant, () => dispatch(event));
  };
}
