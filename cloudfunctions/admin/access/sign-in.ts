import {
  type AdminMe,
  ROLE_PERMISSIONS,
  ADMIN_ROLE_LABELS,
  type SignInInput,
  type SignInResult,
} from '../../../typings/admin-access.js';
import type { AdminDoc } from '../../../typings/admin.js';
import { ErrorCode } from '../../../typings/common.js';
import { ShopError } from '../../shared/rules/errors.js';
import { audit } from '../../shared/store/audit-trail.js';
import { db } from '../../shared/store/db.js';
import { ADMINS, mayAct, type Merchant, STAFF_PREFIX } from '../rbac.js';
import { accountActor, type Client, consumeCode, lockedMessage, recordFailure } from './accounts.js';
import { checkAgainstDecoy, checkPassword } from './passwords.js';
import { openSession } from './sessions.js';
import { newTotpSetup, sealSecret } from './totp.js';

/**
 * Signing in to the web page: password, then TOTP. Every outcome is audited (`auth.signIn`, `auth.signInFailed`,
 * `auth.locked`); a wrong username, a wrong password and a disabled account get the same answer in about the same
 * time, so nothing tells which usernames exist.
 */
const WRONG = '用户名或密码错误';
const admins = () => db.collection<AdminDoc>(ADMINS);

export const staffId = (username: string) => `${STAFF_PREFIX}${username}`;

export interface SignedIn {
  result: SignInResult;
  /** The session token for the cookie, when signed in. */
  token?: string;
}

export async function signIn({ username, password, code }: SignInInput, client: Client, now: Date): Promise<SignedIn> {
  const id = staffId(username);
  const doc = (await admins().doc(id).get()).data;
  const actor = doc ? accountActor(doc, client) : { id, name: username, ...client };
  const fail = async (reason: string, message = WRONG): Promise<never> => {
    await audit(actor, now, { action: 'auth.signInFailed', target: id, detail: { reason } });
    throw new ShopError(ErrorCode.UNAUTHENTICATED, message);
  };
  if (!doc?.password || doc.username === undefined) {
    await checkAgainstDecoy(password);
    return fail('unknown_account');
  }
  if (doc.lockedUntil instanceof Date && doc.lockedUntil > now) {
    await audit(actor, now, { action: 'auth.signInFailed', target: id, detail: { reason: 'locked' } });
    throw new ShopError(ErrorCode.ACCOUNT_LOCKED, lockedMessage(doc.lockedUntil));
  }
  if (!(await checkPassword(password, doc.password))) {
    await recordFailure(doc, now, actor, 'password');
    return fail('password');
  }
  if (!mayAct(doc, now)) return fail('inactive');

  if (!doc.totp) {
    // First sign-in, or the second factor was reset: set it up, then sign in with its first code.
    if (!code) {
      const setup = await newTotpSetup(username);
      await admins()
        .doc(id)
        .update({ data: { totpPending: sealSecret(id, setup.secret) } });
      return { result: { signedIn: false, totpSetup: setup } };
    }
    if (!(await consumeCode(doc, code, now, 'totpPending'))) {
      await recordFailure(doc, now, actor, 'totp_setup');
      return fail('totp_setup', '验证码不正确，请用刚扫描的身份验证器重新获取');
    }
    await admins()
      .doc(id)
      .update({ data: { totp: doc.totpPending!, totpPending: db.command.remove() } });
  } else {
    if (!code) throw new ShopError(ErrorCode.UNAUTHENTICATED, '请输入身份验证器中的 6 位验证码');
    if (!(await consumeCode(doc, code, now))) {
      await recordFailure(doc, now, actor, 'totp');
      return fail('totp', '验证码不正确');
    }
  }

  await admins()
    .doc(id)
    .update({ data: { failedSignIns: 0, lastSignInAt: now } });
  const { token, session } = await openSession(id, now, client);
  await audit(actor, now, { action: 'auth.signIn', target: id, detail: { via: 'password' } });
  const merchant: Merchant = { id, role: doc.role, name: doc.name, via: 'password', sessionId: session._id };
  return { result: { signedIn: true, me: describe(merchant, true, now), csrfToken: session.csrfToken }, token };
}

/** `auth.me`'s answer. */
export function describe(merchant: Merchant, totpEnabled: boolean, now: Date): AdminMe {
  return {
    id: merchant.id,
    name: merchant.name,
    role: merchant.role,
    roleLabel: ADMIN_ROLE_LABELS[merchant.role],
    permissions: [...ROLE_PERMISSIONS[merchant.role]],
    via: merchant.via,
    totpEnabled,
    ...(merchant.verifiedUntil && merchant.verifiedUntil > now ? { verifiedUntil: merchant.verifiedUntil.toISOString() } : {}),
  };
}
