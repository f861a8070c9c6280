import {
  BindInput,
  type BindResult,
  type CommissionLedgerPage,
  LedgerInput,
  type ReferralSummary,
  ReferralSummaryInput,
  type ShareData,
  ShareInput,
  WithdrawInput,
  type WithdrawalPage,
  type WithdrawalView,
} from '../../../typings/member.js';
import { type SpuDoc } from '../../shared/model/catalog.js';
import {
  COMMISSION_LEDGER,
  type CommissionEntryDoc,
  type MemberUserDoc,
  USERS,
  WITHDRAWALS,
  type WithdrawalDoc,
} from '../../shared/model/member.js';
import { route } from '../../shared/platform/route.js';
import { commissionBalances } from '../../shared/rules/commission-rules.js';
import { notFound } from '../../shared/rules/errors.js';
import { requestWithdrawal } from '../../shared/store/commission-ledger.js';
import { db } from '../../shared/store/db.js';
import { bindInviter, ensureInviteCode } from '../../shared/store/invites.js';
import { loadMemberSettings } from '../../shared/store/shop-settings.js';
import { newestFirst } from '../ledger.js';
import { toWithdrawalView } from '../../shared/rules/commission-rules.js';
import { toCommissionEntryView } from '../member.js';

/** The pages a share opens; the mini-program reads `inviteCode` from the query and calls `referral.bind`. */
export const HOME_PAGE = '/pages/home/index';
export const PRODUCT_PAGE = '/pages/product/detail/index';

/** Called when a shopper opens a shared link: binds them to the inviter unless they are bound already (first touch wins). */
export const bind = route(BindInput, async ({ inviteCode }, ctx): Promise<BindResult> =>
  bindInviter(ctx.openid, inviteCode, ctx.now),
);

export const referralSummary = route(ReferralSummaryInput, async (_input, ctx): Promise<ReferralSummary> => {
  const [inviteCode, settings] = await Promise.all([ensureInviteCode(ctx.openid, ctx.now), loadMemberSettings()]);
  const [user, invitees] = await Promise.all([
    db.collection<MemberUserDoc>(USERS).doc(ctx.openid).get(),
    db.collection(USERS).where({ inviterOpenid: ctx.openid }).count(),
  ]);
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
  const [inviteCode, spu] = await Promise.all([
    ensureInviteCode(ctx.openid, ctx.now),
    spuId ? db.collection<SpuDoc>('spus').doc(spuId).get() : Promise.resolve(null),
  ]);
  if (spuId && (!spu?.data || spu.data.status !== 'on_shelf')) throw notFound('商品');
  const code = encodeURIComponent(inviteCode);
  return spu?.data
    ? {
        title: `发现一件好物：${spu.data.title}`,
        path: `${PRODUCT_PAGE}?spuId=${encodeURIComponent(spu.data._id)}&inviteCode=${code}`,
        inviteCode,
      }
    : { title: '好物小店，邀你一起逛', path: `${HOME_PAGE}?inviteCode=${code}`, inviteCode };
});

export const commissionLedger = route(LedgerInput, async (input, ctx): Promise<CommissionLedgerPage> =>
  newestFirst<CommissionEntryDoc, ReturnType<typeof toCommissionEntryView>>(
    COMMISSION_LEDGER,
    'at',
    ctx.openid,
    input,
    toCommissionEntryView,
  ),
);

/** Holds `amount` of the available commission until the merchant pays it out (or rejects the request). */
export const withdrawalsRequest = route(WithdrawInput, async ({ amount }, ctx): Promise<WithdrawalView> =>
  toWithdrawalView(await requestWithdrawal(ctx.openid, amount, ctx.now)),
);

export const withdrawalsList = route(LedgerInput, async (input, ctx): Promise<WithdrawalPage> =>
  newestFirst<WithdrawalDoc, WithdrawalView>(WITHDRAWALS, 'requestedAt', ctx.openid, input, toWithdrawalView),
);
