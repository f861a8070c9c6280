import { ErrorCode } from '../../../typings/common.js';
import { type BindResult } from '../../../typings/member.js';
import { INVITE_CODES, type MemberUserDoc, USERS } from '../model/member.js';
import { newInviteCode } from '../rules/commission-rules.js';
import { ShopError, notFound } from '../rules/errors.js';
import { _, db } from './db.js';
import { userForUpdate } from './points-ledger.js';
import { withRetries } from './transactions.js';

/** Referral (分销) invites: each shopper's invite code, and binding an invitee to the inviter. */

/** Inviter chains longer than this are refused rather than walked (each level is one read in the transaction). */
export const MAX_INVITER_CHAIN = 50;

/**
 * The shopper's invite code, created on first use. Share links carry the code, never the openid. The code's
 * `invite_codes` document (`_id` = code) and the user's `inviteCode` are written in one transaction, so two first
 * calls at once end with one code, and a code already taken by someone else is never handed out twice.
 */
export async function ensureInviteCode(openid: string, at: Date): Promise<string> {
  const known = (await db.collection<MemberUserDoc>(USERS).doc(openid).get()).data?.inviteCode;
  if (known) return known;
  return withRetries(db, async (tx) => {
    const { user, write } = await userForUpdate(tx, openid, at);
    if (user.inviteCode) return user.inviteCode;
    for (let attempt = 0; attempt < 5; attempt++) {
      const code = newInviteCode();
      if ((await tx.collection(INVITE_CODES).doc(code).get()).data) continue;
      await tx.collection(INVITE_CODES).add({ data: { _id: code, openid, createdAt: at } });
      await write({ inviteCode: code });
      return code;
    }
    throw new ShopError(ErrorCode.CONFLICT, '邀请码生成失败，请稍后再试');
  });
}

/** The openid behind an invite code, or null. */
export async function inviterOfCode(code: string): Promise<string | null> {
  const doc = (await db.collection<{ _id: string; openid: string }>(INVITE_CODES).doc(code).get()).data;
  return doc?.openid ?? null;
}

/**
 * Binds `openid` to the owner of `inviteCode`: first touch wins (a shopper bound once stays bound), nobody invites
 * themselves, and no cycle forms (the inviter's chain of inviters is walked; reaching the invitee refuses). The walk
 * ends at the chain's root, whose document the transaction also writes: a cycle needs that root to bind at the same
 * moment, and the two transactions then conflict, so concurrent binds A→B and B→A cannot both succeed.
 */
export async function bindInviter(openid: string, inviteCode: string, at: Date): Promise<BindResult> {
  const inviter = await inviterOfCode(inviteCode);
  if (!inviter) throw notFound('邀请码');
  if (inviter === openid) return { bound: false, reason: 'self' };
  return withRetries(db, async (tx): Promise<BindResult> => {
    const { user, write } = await userForUpdate(tx, openid, at);
    if (user.inviterOpenid) return { bound: false, reason: 'already_bound' };
    let current = inviter;
    let root: string | null = null;
    for (let depth = 0; ; depth++) {
      if (current === openid) return { bound: false, reason: 'cycle' };
      if (depth >= MAX_INVITER_CHAIN) return { bound: false, reason: 'too_deep' };
      const up = (await tx.collection<MemberUserDoc>(USERS).doc(current).get()).data;
      if (!up?.inviterOpenid) {
        root = up ? current : null;
        break;
      }
      current = up.inviterOpenid;
    }
    if (root)
      await tx
        .collection(USERS)
        .doc(root)
        .update({ data: { referralRevision: _.inc(1) } });
    await write({ inviterOpenid: inviter, invitedAt: at, invitedWith: inviteCode });
    return { bound: true };
  });
}
