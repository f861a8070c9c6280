import {
  BindInput,
  LedgerInput,
  ReferralSummaryInput,
  ShareInput,
  WithdrawInput,
  type BindResult,
  type CommissionLedgerPage,
  type ReferralSummary,
  type ShareData,
  type WithdrawalPage,
  type WithdrawalView,
} from '../../../typings/member.js';
import type { SpuDoc } from '../../shared/catalog.js';
import { db } from '../../shared/db.js';
import { notFound } from '../../shared/errors.js';
import { type MemberUserDoc, USERS } from '../../shared/points.js';
import {
  COMMISSION_LEDGER,
  type CommissionEntryDoc,
  WITHDRAWALS,
  type WithdrawalDoc,
  bindInviter,
  commissionBalances,
  ensureInviteCode,
  requestWithdrawal,
} from '../../shared/referral.js';
import { route } from '../../shared/route.js';
import { loadMemberSettings } from '../../shared/settings.js';
import { newestFirst } from '../ledger.js';
import { toCommissionEntryView, toWithdrawalView } from '../member.js';

/** The pages a share opens; the mini-program reads `inviteCode` from the query and calls `referral.bind`. */
export const HOME_PAGE = '/pages/home/index/index';
export const PRODUCT_PAGE = '/pages/product/detail/index';

/** Called when a shopper opens a shared link: binds them to the inviter unless they are bound already (first touch wins). */
export const bind = route(BindInput, async ({ inviteCode }, ctx): Promise<BindResult> => bindInviter(ctx.openid, inviteCode, ctx.now));

export const referralSummary = route(ReferralSummaryInput, async (_input, ctx): Promise<ReferralSummary> => {
  const [inviteCode, settings] = await Promise.all([ensureInviteCode(ctx.openid, ctx.now), loadMemberSettings()]);
  const [user, invitees] = await Promise.all([db.collection<MemberUserDoc>(USERS).doc(ctx.openid).get(), db.collection(USERS).where({ inviterOpenid: ctx.openid }).count()]);
  const balances = commissionBalances(user.data);
  return {
    inviteCode,
    inviteeCount: invitees.total,
    commission: { ...balances, settled: balances.available + balances.withdrawing + balances.withdrawn },
    commissionBp: settings.referral.commissionBp,
    minWithdrawFen: settings.referral.minWithdrawFen,
  };
});

/** What `onShareAppMessage` returns: the path carries the caller's invite code (never their openid). */
export const share = route(ShareInput, async ({ spuId }, ctx): Promise<ShareData> => {
  const [inviteCode, spu] = await Promise.all([ensureInviteCode(ctx.openid, ctx.now), spuId ? db.collection<SpuDoc>('spus').doc(spuId).get() : Promise.resolve(null)]);
  if (spuId && (!spu?.data || spu.data.status !== 'on_shelf')) throw notFound('商品');
  const code = encodeURIComponent(inviteCode);
  return spu?.data
    ? { title: `发现一件好物：${spu.data.title}`, path: `${PRODUCT_PAGE}?spuId=${encodeURIComponent(spu.data._id)}&inviteCode=${code}`, inviteCode }
    : { title: '好物小店，邀你一起逛', path: `${HOME_PAGE}?inviteCode=${code}`, inviteCode };
});

export const commissionLedger = route(LedgerInput, async (input, ctx): Promise<CommissionLedgerPage> =>
  newestFirst<CommissionEntryDoc, ReturnType<typeof toCommissionEntryView>>(COMMISSION_LEDGER, 'at', ctx.openid, input, toCommissionEntryView),
);

/** Holds `amount` of the available commission until the merchant pays it out (or rejects the request). */
export const withdrawalsRequest = route(WithdrawInput, async ({ amount }, ctx): Promise<WithdrawalView> => toWithdrawalView(await requestWithdrawal(ctx.openid, amount, ctx.now)));

export const withdrawalsList = route(LedgerInput, async (input, ctx): Promise<WithdrawalPage> => newestFirst<WithdrawalDoc, WithdrawalView>(WITHDRAWALS, 'requestedAt', ctx.openid, input, toWithdrawalView));
