import {
  ADMIN_ROLE_LABELS,
  ADMIN_ROLES,
  AccessRoutes,
  NoInput,
  ROLE_PERMISSIONS,
  type RoleView,
  StaffCreateInput,
  StaffIdInput,
  StaffResetPasswordInput,
  StaffUpdateInput,
  type StaffView,
} from '../../../typings/admin-access.js';
import type { AdminDoc, AdminRole } from '../../../typings/admin.js';
import { ErrorCode } from '../../../typings/common.js';
import { notFound, ShopError } from '../../shared/rules/errors.js';
import { db, type Transaction } from '../../shared/store/db.js';
import { withRetries } from '../../shared/store/transactions.js';
import { updateVersioned } from '../../shared/store/versioned.js';
import { hashPassword } from '../access/passwords.js';
import { closeSessionsOf } from '../access/sessions.js';
import { staffId } from '../access/sign-in.js';
import { actorOf, writeAudit } from '../audit.js';
import { type AdminContext, ADMINS, adminRoute } from '../rbac.js';

/**
 * Staff and roles (permission `staff.manage`, the owner's). Every change is sensitive (二次验证) and audited with
 * before and after (secrets left out); disabling an account or resetting its factors ends its sessions at once. The
 * shop never loses its last active owner, and nobody changes their own role or disables themselves.
 */
const admins = () => db.collection<AdminDoc>(ADMINS);

/** What the audit trail and the page may see of an account: never a password hash or a TOTP secret. */
function publicFields(doc: AdminDoc): Record<string, unknown> {
  const { password: _p, totp, totpPending: _tp, totpStep: _ts, ...rest } = doc;
  return { ...rest, totpEnabled: !!totp };
}

function view(doc: AdminDoc, now: Date): StaffView {
  return {
    id: doc._id,
    ...(doc.username ? { username: doc.username } : {}),
    name: doc.name,
    role: doc.role,
    roleLabel: ADMIN_ROLE_LABELS[doc.role] ?? String(doc.role),
    active: doc.active === true,
    via: doc.username ? 'password' : 'wechat',
    totpEnabled: !!doc.totp,
    ...(doc.lockedUntil instanceof Date && doc.lockedUntil > now ? { lockedUntil: doc.lockedUntil.toISOString() } : {}),
    ...(doc.lastSignInAt instanceof Date ? { lastSignInAt: doc.lastSignInAt.toISOString() } : {}),
    version: doc.version ?? 0,
  };
}

const list = adminRoute('staff.manage', NoInput, async (_input, ctx): Promise<StaffView[]> => {
  const docs = (await admins().orderBy('_id', 'asc').limit(500).get()).data;
  return docs.map((doc) => view(doc, ctx.now));
});

const roles = adminRoute(null, NoInput, (): Promise<RoleView[]> =>
  Promise.resolve(
    ADMIN_ROLES.map((role) => ({ role, label: ADMIN_ROLE_LABELS[role], permissions: [...ROLE_PERMISSIONS[role]] })),
  ),
);

const create = adminRoute(
  'staff.manage',
  StaffCreateInput,
  async ({ username, name, role, password }, ctx): Promise<StaffView> => {
    const id = staffId(username);
    const hashed = await hashPassword(password);
    const created = await withRetries(db, async (tx) => {
      if ((await tx.collection<AdminDoc>(ADMINS).doc(id).get()).data) throw new ShopError(ErrorCode.CONFLICT, '用户名已被使用');
      const doc: AdminDoc = { _id: id, username, name, role, active: true, password: hashed, version: 1 };
      const { _id, ...data } = doc;
      await tx
        .collection(ADMINS)
        .doc(_id)
        .set({ data: { ...data, createdAt: ctx.now } });
      await writeAudit(tx, actorOf(ctx), ctx.now, { action: AccessRoutes.staffCreate, target: id, after: publicFields(doc) });
      return doc;
    });
    return view(created, ctx.now);
  },
  { verify: true },
);

/**
 * Whether the change leaves the shop without an active owner. Read in the change's transaction, which also moves the
 * audit chain's head: two owners disabling each other at once conflict there, and the retry sees the other's change.
 */
async function losesLastOwner(
  tx: Transaction,
  before: AdminDoc,
  changes: { role?: AdminRole; active?: boolean },
): Promise<boolean> {
  const stopsOwning =
    before.role === 'owner' && before.active === true && (changes.active === false || (changes.role ?? 'owner') !== 'owner');
  if (!stopsOwning) return false;
  const owners = (await tx.collection<AdminDoc>(ADMINS).where({ role: 'owner', active: true }).get()).data;
  return owners.every((o) => o._id === before._id);
}

const update = adminRoute(
  'staff.manage',
  StaffUpdateInput,
  async ({ id, version, ...changes }, ctx): Promise<StaffView> => {
    const changesPower = changes.role !== undefined || changes.active !== undefined;
    if (changesPower && id === ctx.merchant.id) throw new ShopError(ErrorCode.INVALID_STATE, '不能修改自己的角色或停用自己');
    const { before, after } = await withRetries(db, async (tx) => {
      const change = await updateVersioned<AdminDoc & { version: number }>(tx, ADMINS, id, version, '员工', () => changes);
      if (await losesLastOwner(tx, change.before, changes))
        throw new ShopError(ErrorCode.INVALID_STATE, '店铺至少要保留一位启用的店主');
      await writeAudit(tx, actorOf(ctx), ctx.now, {
        action: AccessRoutes.staffUpdate,
        target: id,
        before: publicFields(change.before),
        after: publicFields(change.after),
      });
      return change;
    });
    if (after.active !== true || after.role !== before.role) await closeSessionsOf(id);
    return view(after, ctx.now);
  },
  { verify: true },
);

/**
 * Resets part of an account (its second factor, its password): the fields set and removed, version moved on, the audit
 * entry in the same transaction; then every session of the account ends.
 */
async function resetAccount(
  ctx: AdminContext,
  id: string,
  action: string,
  reset: (before: AdminDoc) => { set: Partial<AdminDoc>; remove: Array<keyof AdminDoc> },
): Promise<StaffView> {
  const after = await withRetries(db, async (tx) => {
    const before = (await tx.collection<AdminDoc>(ADMINS).doc(id).get()).data;
    if (!before) throw notFound('员工');
    const { set, remove } = reset(before);
    const version = (before.version ?? 0) + 1;
    const removed = Object.fromEntries(remove.map((field) => [field, db.command.remove()]));
    await tx
      .collection(ADMINS)
      .doc(id)
      .update({ data: { ...set, ...removed, version } });
    const next: AdminDoc = { ...before, ...set, version };
    for (const field of remove) delete next[field];
    await writeAudit(tx, actorOf(ctx), ctx.now, { action, target: id, before: publicFields(before), after: publicFields(next) });
    return next;
  });
  await closeSessionsOf(id);
  return view(after, ctx.now);
}

/** The account sets up a new authenticator at its next sign-in. */
const resetTotp = adminRoute(
  'staff.manage',
  StaffIdInput,
  ({ id }, ctx): Promise<StaffView> =>
    resetAccount(ctx, id, AccessRoutes.staffResetTotp, () => ({
      set: {},
      remove: ['totp', 'totpPending', 'totpStep', 'verifiedUntil'],
    })),
  { verify: true },
);

/** A new password from the owner, and the lock lifted. */
const resetPassword = adminRoute(
  'staff.manage',
  StaffResetPasswordInput,
  async ({ id, password }, ctx): Promise<StaffView> => {
    const hashed = await hashPassword(password);
    return resetAccount(ctx, id, AccessRoutes.staffResetPassword, (before) => {
      if (!before.username) throw new ShopError(ErrorCode.INVALID_STATE, '微信中的店主没有密码');
      return { set: { password: hashed, failedSignIns: 0 }, remove: ['lockedUntil'] };
    });
  },
  { verify: true },
);

export const staffRoutes = {
  [AccessRoutes.staffList]: list,
  [AccessRoutes.staffCreate]: create,
  [AccessRoutes.staffUpdate]: update,
  [AccessRoutes.staffResetTotp]: resetTotp,
  [AccessRoutes.staffResetPassword]: resetPassword,
  [AccessRoutes.rolesList]: roles,
};
