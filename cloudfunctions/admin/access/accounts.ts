import { LOCK_MINUTES, MAX_SIGN_IN_FAILURES, VERIFICATION_MINUTES } from '../../../typings/admin-access.js';
import type { AdminDoc } from '../../../typings/admin.js';
import { ErrorCode } from '../../../typings/common.js';
import { ShopError } from '../../shared/rules/errors.js';
import { _, db } from '../../shared/store/db.js';
import { audit, type AuditActor } from '../../shared/store/audit-trail.js';
import { ADMINS } from '../rbac.js';
import { markVerified } from './sessions.js';
import { acceptCode, openSecret } from './totp.js';

/**
 * An account's second factor and failures: checking a TOTP code (never the same step twice), counting failures and
 * locking after MAX_SIGN_IN_FAILURES in a row, and recording a second verification where the caller's gate reads it.
 */
const admins = () => db.collection<AdminDoc>(ADMINS);

export const accountActor = (doc: Pick<AdminDoc, '_id' | 'name' | 'role'>, client: Client = {}): AuditActor => ({
  id: doc._id,
  name: doc.name,
  role: doc.role,
  ...client,
});

export interface Client {
  ip?: string;
  userAgent?: string;
}

/** Beijing time of day, for messages (`14:05`). */
export function beijingClock(at: Date): string {
  return new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(11, 16);
}

export function lockedMessage(until: Date): string {
  return `登录失败次数过多，账号已锁定，请在 ${beijingClock(until)} 后再试`;
}

/** One more failure; the one that reaches the limit locks the account and is audited as such. */
export async function recordFailure(doc: AdminDoc, now: Date, actor: AuditActor, reason: string): Promise<void> {
  await admins()
    .doc(doc._id)
    .update({ data: { failedSignIns: _.inc(1) } });
  const failures = (await admins().doc(doc._id).get()).data?.failedSignIns ?? 0;
  if (failures >= MAX_SIGN_IN_FAILURES) {
    const lockedUntil = new Date(now.getTime() + LOCK_MINUTES * 60_000);
    // Conditional: of several failures at once, one locks and the count starts again.
    const locked = await admins()
      .where({ _id: doc._id, failedSignIns: _.gte(MAX_SIGN_IN_FAILURES) })
      .update({ data: { lockedUntil, failedSignIns: 0 } });
    if (locked.stats.updated) {
      await audit(actor, now, { action: 'auth.locked', target: doc._id, detail: { reason, lockedUntil } });
      throw new ShopError(ErrorCode.ACCOUNT_LOCKED, lockedMessage(lockedUntil));
    }
  }
}

/**
 * Accepts `code` for the account's confirmed secret (`field` = `totp`) or the one being set up (`totpPending`): the
 * step moves forward atomically, so the same code can never be used twice, even by two requests at once.
 */
export async function consumeCode(
  doc: AdminDoc,
  code: string,
  now: Date,
  field: 'totp' | 'totpPending' = 'totp',
): Promise<boolean> {
  const sealed = doc[field];
  if (!sealed) return false;
  const step = await acceptCode(openSecret(doc._id, sealed), code, doc.totpStep, now);
  if (step === undefined) return false;
  const fresh =
    doc.totpStep === undefined ? _.or([{ totpStep: _.exists(false) }, { totpStep: _.lt(step) }]) : { totpStep: _.lt(step) };
  const moved = await admins()
    .where(_.and([{ _id: doc._id }, fresh]))
    .update({ data: { totpStep: step } });
  return moved.stats.updated === 1;
}

/** Records a second verification: on the session for the web page, on the account for a WeChat merchant. */
export async function recordVerification(accountId: string, sessionId: string | undefined, now: Date): Promise<Date> {
  const until = new Date(now.getTime() + VERIFICATION_MINUTES * 60_000);
  if (sessionId) await markVerified(sessionId, until);
  else
    await admins()
      .doc(accountId)
      .update({ data: { verifiedUntil: until } });
  return until;
}
