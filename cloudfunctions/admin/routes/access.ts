import {
  AccessRoutes,
  ChangePasswordInput,
  NoInput,
  SignInInput,
  type AdminMe,
  type TotpSetup,
  TotpConfirmInput,
  VerifyInput,
} from '../../../typings/admin-access.js';
import type { AdminDoc } from '../../../typings/admin.js';
import { ErrorCode } from '../../../typings/common.js';
import { ShopError } from '../../shared/rules/errors.js';
import { db } from '../../shared/store/db.js';
import { consumeCode, recordFailure, recordVerification } from '../access/accounts.js';
import { checkPassword, hashPassword } from '../access/passwords.js';
import { closeSession, closeSessionsOf } from '../access/sessions.js';
import { describe } from '../access/sign-in.js';
import { newTotpSetup, sealSecret } from '../access/totp.js';
import { actorOf, audit } from '../audit.js';
import { type AdminContext, ADMINS, adminRoute } from '../rbac.js';

/**
 * The caller's own account: who am I, second verification, setting up TOTP (WeChat merchants; staff accounts set it up
 * at first sign-in), changing the password, signing out. Sign-in itself is the gate's (gate.ts), before any session.
 */
const admins = () => db.collection<AdminDoc>(ADMINS);

async function account(ctx: AdminContext): Promise<AdminDoc> {
  const doc = (await admins().doc(ctx.merchant.id).get()).data;
  if (!doc) throw new ShopError(ErrorCode.UNAUTHENTICATED, '请先登录');
  return doc;
}

/** Listed for the reference; the web page signs in over HTTP, where the gate answers it before any route runs. */
const signIn = adminRoute(null, SignInInput, (): Promise<never> =>
  Promise.reject(new ShopError(ErrorCode.INVALID_STATE, '请在网页后台登录；微信中的店主无需登录')),
);

const me = adminRoute(null, NoInput, async (_input, ctx): Promise<AdminMe> =>
  describe(ctx.merchant, !!(await account(ctx)).totp, ctx.now),
);

const signOut = adminRoute(null, NoInput, async (_input, ctx): Promise<{ signedOut: boolean }> => {
  if (!ctx.merchant.sessionId) throw new ShopError(ErrorCode.INVALID_STATE, '微信中的店主无需退出登录');
  await closeSession(ctx.merchant.sessionId);
  await audit(actorOf(ctx), ctx.now, { action: AccessRoutes.signOut, target: ctx.merchant.id });
  return { signedOut: true };
});

/** 二次验证: a fresh code opens sensitive routes for VERIFICATION_MINUTES, for this session (or WeChat merchant). */
const verify = adminRoute(null, VerifyInput, async ({ code }, ctx): Promise<{ verifiedUntil: string }> => {
  const doc = await account(ctx);
  if (!doc.totp) throw new ShopError(ErrorCode.INVALID_STATE, '请先设置身份验证器');
  if (!(await consumeCode(doc, code, ctx.now))) {
    await recordFailure(doc, ctx.now, actorOf(ctx), 'verify');
    throw new ShopError(ErrorCode.VERIFICATION_REQUIRED, '验证码不正确或已使用，请等待下一个验证码');
  }
  const until = await recordVerification(doc._id, ctx.merchant.sessionId, ctx.now);
  await audit(actorOf(ctx), ctx.now, { action: AccessRoutes.verify, target: doc._id, detail: { until } });
  return { verifiedUntil: until.toISOString() };
});

/** A WeChat merchant's authenticator: a new secret, kept pending until `auth.totpConfirm` proves the app has it. */
const totpSetup = adminRoute(null, NoInput, async (_input, ctx): Promise<TotpSetup> => {
  const doc = await account(ctx);
  if (doc.totp) throw new ShopError(ErrorCode.INVALID_STATE, '已设置身份验证器；如需更换，请店主在员工管理中重置');
  const setup = await newTotpSetup(doc.username ?? doc.name ?? doc._id);
  await admins()
    .doc(doc._id)
    .update({ data: { totpPending: sealSecret(doc._id, setup.secret) } });
  return setup;
});

const totpConfirm = adminRoute(null, TotpConfirmInput, async ({ code }, ctx): Promise<{ totpEnabled: true }> => {
  const doc = await account(ctx);
  if (doc.totp) throw new ShopError(ErrorCode.INVALID_STATE, '已设置身份验证器');
  if (!doc.totpPending) throw new ShopError(ErrorCode.INVALID_STATE, '请先获取身份验证器二维码');
  if (!(await consumeCode(doc, code, ctx.now, 'totpPending'))) {
    await recordFailure(doc, ctx.now, actorOf(ctx), 'totp_setup');
    throw new ShopError(ErrorCode.VALIDATION, '验证码不正确，请用刚扫描的身份验证器重新获取');
  }
  await admins()
    .doc(doc._id)
    .update({ data: { totp: doc.totpPending, totpPending: db.command.remove() } });
  await audit(actorOf(ctx), ctx.now, { action: AccessRoutes.totpConfirm, target: doc._id });
  return { totpEnabled: true };
});

/** A staff account's own password; every other session of the account ends. */
const changePassword = adminRoute(null, ChangePasswordInput, async ({ current, next }, ctx): Promise<{ changed: true }> => {
  const doc = await account(ctx);
  if (!doc.password) throw new ShopError(ErrorCode.INVALID_STATE, '微信中的店主没有密码');
  if (!(await checkPassword(current, doc.password))) {
    await recordFailure(doc, ctx.now, actorOf(ctx), 'change_password');
    throw new ShopError(ErrorCode.VALIDATION, '当前密码不正确');
  }
  await admins()
    .doc(doc._id)
    .update({ data: { password: await hashPassword(next) } });
  await closeSessionsOf(doc._id, ctx.merchant.sessionId);
  await audit(actorOf(ctx), ctx.now, { action: AccessRoutes.changePassword, target: doc._id });
  return { changed: true };
});

export const accessRoutes = {
  [AccessRoutes.signIn]: signIn,
  [AccessRoutes.signOut]: signOut,
  [AccessRoutes.me]: me,
  [AccessRoutes.verify]: verify,
  [AccessRoutes.totpSetup]: totpSetup,
  [AccessRoutes.totpConfirm]: totpConfirm,
  [AccessRoutes.changePassword]: changePassword,
};
