import type { CouponCreateInput, CouponTemplateStatus, MemberSettingsUpdateInput } from '../../../typings/admin-promotions.js';
import { ErrorCode } from '../../../typings/common.js';
import type { GroupTier } from '../../../typings/groupbuy.js';
import { MemberSettings } from '../../../typings/member.js';
import type { CouponTemplateDoc, CouponValidity } from '../model/coupon.js';
import type { FlashSaleDoc, FlashSaleTerms, GroupBuyActivityDoc } from '../model/promotion.js';
import { ShopError } from './errors.js';
import { flashSaleTermsRefusal } from './promotion-units.js';

/**
 * The back office's decisions on promotions and member settings (docs/back-office/promotions.md): what a new coupon
 * template, flash sale or group-buy must satisfy beyond its schema, which status changes are allowed, and how a
 * member settings edit applies. Pure: data and `now` in, a refusal (VALIDATION / INVALID_STATE) or data out; the store
 * (store/promotion-writes.ts) decides with these inside its transactions.
 */

const invalid = (message: string) => new ShopError(ErrorCode.VALIDATION, message);
const ms = (d: Date | string) => new Date(d).getTime();

// ---- coupon templates -------------------------------------------------------------------------------------------

/** Why a coupon template with these terms cannot be created at `now`, or undefined. */
export function couponTemplateRefusal(input: CouponCreateInput, now: Date): ShopError | undefined {
  const claimStart = ms(input.claimStartAt);
  const claimEnd = ms(input.claimEndAt);
  if (claimEnd <= claimStart) return invalid('领取结束时间必须晚于领取开始时间');
  if (claimEnd <= now.getTime()) return invalid('领取结束时间已过');
  if (input.perUser > input.total) return invalid('每人限领数量不能超过发放总量');
  if (input.validity.type === 'fixed') {
    const start = ms(input.validity.startAt);
    const end = ms(input.validity.endAt);
    if (end <= start) return invalid('有效期结束时间必须晚于开始时间');
    // A coupon claimed at the end of the claim window must still be usable.
    if (end < claimEnd) return invalid('有效期结束时间不能早于领取结束时间');
  }
  return undefined;
}

/** The template document a valid `coupons.create` writes (version 1, nothing issued). */
export function newCouponTemplate(_id: string, input: CouponCreateInput, now: Date): CouponTemplateDoc {
  const validity: CouponValidity =
    input.validity.type === 'fixed'
      ? { type: 'fixed', startAt: new Date(input.validity.startAt), endAt: new Date(input.validity.endAt) }
      : { type: 'relative', days: input.validity.days };
  return {
    _id,
    name: input.name,
    description: input.description ?? '',
    rule: input.rule,
    scope: input.scope,
    validity,
    claimStartAt: new Date(input.claimStartAt),
    claimEndAt: new Date(input.claimEndAt),
    total: input.total,
    perUser: input.perUser,
    issued: 0,
    status: input.status ?? 'active',
    createdAt: now,
    updatedAt: now,
    version: 1,
  };
}

export type CouponStatusAction = 'pause' | 'resume' | 'end';

/** Which statuses each merchant action starts from, and where it leads. */
export const COUPON_STATUS_TRANSITIONS: Record<
  CouponStatusAction,
  { from: readonly CouponTemplateStatus[]; to: CouponTemplateStatus }
> = {
  pause: { from: ['active'], to: 'paused' },
  resume: { from: ['paused'], to: 'active' },
  end: { from: ['active', 'paused'], to: 'ended' },
};

const COUPON_STATUS_LABELS: Record<CouponTemplateStatus, string> = { active: '发放中', paused: '已暂停', ended: '已结束' };

/** The status after `action`, or INVALID_STATE naming the current one. */
export function couponStatusAfter(status: CouponTemplateStatus, action: CouponStatusAction): CouponTemplateStatus {
  const transition = COUPON_STATUS_TRANSITIONS[action];
  if (!transition.from.includes(status)) {
    const verb = action === 'pause' ? '暂停' : action === 'resume' ? '恢复' : '结束';
    throw new ShopError(ErrorCode.INVALID_STATE, `优惠券${COUPON_STATUS_LABELS[status] ?? status}，不能${verb}`);
  }
  return transition.to;
}

// ---- flash sales ------------------------------------------------------------------------------------------------

/**
 * Why a flash sale with these terms cannot be created at `now` on a SKU priced `skuPrice`, or undefined (the stock is
 * decided when the units are taken: rules/promotion-units.ts).
 */
export function flashSaleCreateRefusal(terms: FlashSaleTerms, skuPrice: number, now: Date): ShopError | undefined {
  const refusal = flashSaleTermsRefusal(terms, now);
  if (refusal) return refusal;
  if (terms.perUser > terms.units) return invalid('每人限购数量不能超过秒杀数量');
  if (terms.price >= skuPrice) return invalid(`秒杀价必须低于商品售价（${skuPrice} 分）`);
  return undefined;
}

/** Why the merchant cannot end this sale early, or undefined: only a sale that still holds its units can. */
export function flashSaleEndRefusal(sale: Pick<FlashSaleDoc, 'status'>): ShopError | undefined {
  if (sale.status === 'active' || sale.status === 'disabled') return undefined;
  return new ShopError(ErrorCode.INVALID_STATE, sale.status === 'cancelled' ? '秒杀活动已取消' : '秒杀活动已结束');
}

/** Units the sale's orders took while it held units: what it was given, less what it holds and gave back. */
export function flashSaleSold(sale: Pick<FlashSaleDoc, 'stock' | 'remaining' | 'returned'>): number {
  return Math.max(0, sale.stock - sale.remaining - (sale.returned ?? 0));
}

// ---- group-buy activities ---------------------------------------------------------------------------------------

export interface GroupBuyTerms {
  spuId: string;
  skuIds: string[];
  tiers: GroupTier[];
  targetSize: number;
  startAt: Date;
  endAt: Date;
}

/**
 * Why a group-buy with these terms cannot be created at `now`, given its SKUs as stored (`skus`: the ones found), or
 * undefined.
 */
export function groupBuyRefusal(
  terms: GroupBuyTerms,
  skus: ReadonlyArray<{ _id: string; spuId: string; price: number }>,
  now: Date,
): ShopError | undefined {
  const start = terms.startAt.getTime();
  const end = terms.endAt.getTime();
  if (Number.isNaN(start) || Number.isNaN(end) || end <= start) return invalid('活动结束时间必须晚于开始时间');
  if (end <= now.getTime()) return invalid('活动结束时间已过');
  if (new Set(terms.skuIds).size !== terms.skuIds.length) return invalid('商品规格不能重复');
  const { tiers } = terms;
  for (let i = 1; i < tiers.length; i++) {
    if (tiers[i]!.minMembers <= tiers[i - 1]!.minMembers) return invalid('阶梯的成团人数必须递增');
    if (tiers[i]!.price >= tiers[i - 1]!.price) return invalid('阶梯价必须随人数增加而降低');
  }
  if (tiers[tiers.length - 1]!.minMembers > terms.targetSize) return invalid('最后一档的人数不能超过成团人数');
  for (const skuId of terms.skuIds) {
    const sku = skus.find((s) => s._id === skuId);
    if (!sku) return new ShopError(ErrorCode.NOT_FOUND, `商品规格 ${skuId} 不存在`);
    if (sku.spuId !== terms.spuId) return invalid(`商品规格 ${skuId} 不属于该商品`);
    if (tiers[0]!.price >= sku.price) return invalid(`拼团价必须低于商品售价（规格 ${skuId} 售价 ${sku.price} 分）`);
  }
  return undefined;
}

/** Why the merchant cannot stop this activity, or undefined. */
export function groupBuyEndRefusal(activity: Pick<GroupBuyActivityDoc, 'status'>): ShopError | undefined {
  return activity.status === 'active' ? undefined : new ShopError(ErrorCode.INVALID_STATE, '拼团活动已停止');
}

// ---- member settings --------------------------------------------------------------------------------------------

type SettingsPatch = Omit<MemberSettingsUpdateInput, 'version'>;

/** The sections an edit changes (those given and different from the current ones). */
export function changedSections(current: MemberSettings, patch: SettingsPatch): Array<keyof MemberSettings> {
  return (Object.keys(patch) as Array<keyof SettingsPatch>).filter(
    (section) => patch[section] !== undefined && JSON.stringify(patch[section]) !== JSON.stringify(current[section]),
  );
}

/**
 * The settings after an edit: the sections given replace the current ones whole. Refused with VALIDATION when the
 * result breaks a rule across fields: a higher level giving a smaller discount than a lower one, or a streak bonus
 * day beyond the check-in cycle.
 */
export function applyMemberSettings(current: MemberSettings, patch: SettingsPatch): MemberSettings {
  const next: MemberSettings = { ...current };
  for (const section of Object.keys(patch) as Array<keyof SettingsPatch>) {
    const value = patch[section];
    if (value !== undefined) (next as Record<string, unknown>)[section] = value;
  }
  const parsed = MemberSettings.safeParse(next);
  if (!parsed.success) throw invalid(parsed.error.issues[0]?.message ?? '会员设置不正确');
  const { levels, checkin } = parsed.data;
  if (levels.some((l, i) => i > 0 && l.discountBp > levels[i - 1]!.discountBp)) {
    throw invalid('高等级的折扣不能少于低等级（折扣比例须随等级递减或持平）');
  }
  if (new Set(levels.map((l) => l.name)).size !== levels.length) throw invalid('等级名称不能重复');
  if (checkin.cycleDays > 0 && checkin.streakBonuses.some((b) => b.day > checkin.cycleDays)) {
    throw invalid(`连续签到奖励的天数不能超过签到周期（${checkin.cycleDays} 天）`);
  }
  return parsed.data;
}
