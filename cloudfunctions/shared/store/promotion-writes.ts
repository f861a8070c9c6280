import { randomUUID } from 'node:crypto';
import {
  type AdminCouponView,
  type AdminFlashSaleView,
  type AdminGroupBuyView,
  type CouponCreateInput,
  type CouponTemplateStatus,
  type FlashSaleCreateInput,
  type GroupBuyCreateInput,
  type MemberSettingsUpdateInput,
  type MemberSettingsView,
  PromotionRoutes,
} from '../../../typings/admin-promotions.js';
import { ErrorCode } from '../../../typings/common.js';
import { MEMBER_SETTINGS_ID, type MemberSettings } from '../../../typings/member.js';
import type { SkuDoc, SpuDoc } from '../model/catalog.js';
import { COUPON_TEMPLATES, type CouponTemplateDoc, USER_COUPONS } from '../model/coupon.js';
import { FLASH_SALES, type FlashSaleDoc, GROUP_BUY_ACTIVITIES, type GroupBuyActivityDoc } from '../model/promotion.js';
import { ruleSummary } from '../rules/coupon-quotes.js';
import { notFound, ShopError } from '../rules/errors.js';
import { parseMemberSettings } from '../rules/member-settings.js';
import {
  applyMemberSettings,
  changedSections,
  type CouponStatusAction,
  couponStatusAfter,
  couponTemplateRefusal,
  flashSaleCreateRefusal,
  flashSaleEndRefusal,
  flashSaleSold,
  groupBuyEndRefusal,
  groupBuyRefusal,
  newCouponTemplate,
} from '../rules/promotion-edits.js';
import { activityState, flashSaleState } from '../rules/promotion-state.js';
import { type AuditActor, writeAudit } from './audit-trail.js';
import { _, db, type Transaction } from './db.js';
import { holdFlashSaleUnits, SETTLE_ATTEMPTS, settleFlashSaleIn } from './flash-sale-units.js';
import { pageNewestFirst } from './pagination.js';
import { SETTINGS } from './shop-settings.js';
import { withRetries } from './transactions.js';
import { CONFLICT_MESSAGE, updateVersioned } from './versioned.js';

/**
 * The back office's promotions and member settings in the database (docs/back-office/promotions.md). Every change is
 * one transaction together with its audit entry (before and after); edited documents carry `version` (absent = 0 on
 * documents written before the back office), checked with `updateVersioned`. Decisions come from
 * rules/promotion-edits.ts; a flash sale's units move with the very functions the jobs timer and `scheduleFlashSale`
 * use (store/flash-sale-units.ts).
 */

/** Who acts and when: the merchant of an admin route. */
export interface Acting {
  actor: AuditActor;
  now: Date;
}

const iso = (d: Date | string) => new Date(d).toISOString();
const versionOf = (doc: { version?: number }) => doc.version ?? 0;
type Page<T> = { items: T[]; nextCursor?: string };
const mapPage = <D, V>(page: { items: D[]; nextCursor?: string }, view: (doc: D) => V): Page<V> => ({
  items: page.items.map(view),
  ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
});

// ---- coupon templates -------------------------------------------------------------------------------------------

async function countCoupons(templateId: string, status: 'used' | 'locked'): Promise<number> {
  return (await db.collection(USER_COUPONS).where({ templateId, status }).count()).total;
}

export async function couponView(doc: CouponTemplateDoc): Promise<AdminCouponView> {
  const [used, locked] = await Promise.all([countCoupons(doc._id, 'used'), countCoupons(doc._id, 'locked')]);
  const v = doc.validity;
  return {
    templateId: doc._id,
    name: doc.name,
    description: doc.description,
    rule: doc.rule,
    scope: doc.scope,
    summary: ruleSummary(doc.rule),
    validity: v.type === 'fixed' ? { type: 'fixed', startAt: iso(v.startAt), endAt: iso(v.endAt) } : v,
    claimStartAt: iso(doc.claimStartAt),
    claimEndAt: iso(doc.claimEndAt),
    total: doc.total,
    perUser: doc.perUser,
    issued: doc.issued,
    used,
    locked,
    status: doc.status,
    version: versionOf(doc),
    createdAt: iso(doc.createdAt),
    updatedAt: iso(doc.updatedAt),
    ...(doc.endedAt ? { endedAt: iso(doc.endedAt) } : {}),
  };
}

/** Templates newest first (index `{status, createdAt}` / `{createdAt}`), with their issued, used and locked counts. */
export async function listCouponTemplates(input: {
  status?: CouponTemplateStatus;
  cursor?: string;
  pageSize: number;
}): Promise<Page<AdminCouponView>> {
  const page = await pageNewestFirst<CouponTemplateDoc>(COUPON_TEMPLATES, input.status ? [{ status: input.status }] : [], input);
  return { ...page, items: await Promise.all(page.items.map(couponView)) };
}

/** VALIDATION unless every category or product the scope names exists. */
async function checkScope(scope: CouponCreateInput['scope']): Promise<void> {
  if (scope.type === 'all') return;
  const collection = scope.type === 'categories' ? 'categories' : 'spus';
  const ids = [...new Set(scope.ids)];
  const found = (
    await db
      .collection(collection)
      .where({ _id: _.in(ids) })
      .count()
  ).total;
  if (found !== ids.length) {
    throw new ShopError(ErrorCode.VALIDATION, scope.type === 'categories' ? '适用分类不存在' : '适用商品不存在');
  }
}

/** Creates a template (version 1) with its audit entry; bad terms are refused before anything is written. */
export async function createCouponTemplate(input: CouponCreateInput, { actor, now }: Acting): Promise<CouponTemplateDoc> {
  const refusal = couponTemplateRefusal(input, now);
  if (refusal) throw refusal;
  await checkScope(input.scope);
  const doc = newCouponTemplate(`ct-${randomUUID()}`, input, now);
  return withRetries(db, async (tx) => {
    await tx.collection(COUPON_TEMPLATES).add({ data: doc });
    await writeAudit(tx, actor, now, { action: PromotionRoutes.couponsCreate, target: doc._id, after: doc });
    return doc;
  });
}

const COUPON_ACTIONS: Record<CouponStatusAction, string> = {
  pause: PromotionRoutes.couponsPause,
  resume: PromotionRoutes.couponsResume,
  end: PromotionRoutes.couponsEnd,
};

/**
 * Pauses, resumes or ends a template made at `version`. A claim racing a pause is stopped by the claim's own
 * conditional increment on `status: 'active'` (workflows/coupon-claim.ts), so nothing is issued once this commits.
 */
export async function changeCouponStatus(
  templateId: string,
  version: number,
  action: CouponStatusAction,
  { actor, now }: Acting,
): Promise<CouponTemplateDoc> {
  return withRetries(db, async (tx) => {
    const { before, after } = await updateVersioned<CouponTemplateDoc & { version: number }>(
      tx,
      COUPON_TEMPLATES,
      templateId,
      version,
      '优惠券',
      (doc) => ({
        status: couponStatusAfter(doc.status, action),
        updatedAt: now,
        ...(action === 'end' ? { endedAt: now } : {}),
      }),
    );
    await writeAudit(tx, actor, now, { action: COUPON_ACTIONS[action], target: templateId, before, after });
    return after;
  });
}

// ---- flash sales ------------------------------------------------------------------------------------------------

export function flashSaleView(doc: FlashSaleDoc, now: Date): AdminFlashSaleView {
  return {
    flashSaleId: doc._id,
    title: doc.title,
    skuId: doc.skuId,
    price: doc.price,
    stock: doc.stock,
    remaining: doc.remaining,
    sold: flashSaleSold(doc),
    returned: doc.returned ?? 0,
    perUser: doc.perUser,
    startAt: iso(doc.startAt),
    endAt: iso(doc.endAt),
    status: doc.status,
    state: doc.status === 'active' ? flashSaleState(doc, now) : 'ended',
    version: versionOf(doc),
    createdAt: iso(doc.createdAt),
    ...(doc.settledAt ? { settledAt: iso(doc.settledAt) } : {}),
    ...(doc.endedEarlyAt ? { endedEarlyAt: iso(doc.endedEarlyAt) } : {}),
  };
}

export async function listFlashSales(
  input: { status?: FlashSaleDoc['status']; cursor?: string; pageSize: number },
  now: Date,
): Promise<Page<AdminFlashSaleView>> {
  const page = await pageNewestFirst<FlashSaleDoc>(FLASH_SALES, input.status ? [{ status: input.status }] : [], input);
  return mapPage(page, (doc) => flashSaleView(doc, now));
}

/**
 * Creates a flash sale: in one transaction the SKU's stock gives up `units` (`holdFlashSaleUnits`, the function
 * `scheduleFlashSale` uses), the sale is written holding them, and the audit entry records it with the SKU's stock
 * before and after. OUT_OF_STOCK, nothing changed, when the SKU has fewer units.
 */
export async function createFlashSale(input: FlashSaleCreateInput, { actor, now }: Acting): Promise<FlashSaleDoc> {
  const terms = {
    skuId: input.skuId,
    title: input.title ?? '',
    price: input.price,
    units: input.units,
    perUser: input.perUser,
    startAt: new Date(input.startAt),
    endAt: new Date(input.endAt),
  };
  const saleId = `fs-${randomUUID()}`;
  return withRetries(db, async (tx) => {
    const sku = (await tx.collection<SkuDoc>('skus').doc(input.skuId).get()).data;
    if (!sku) throw notFound('商品规格');
    const refusal = flashSaleCreateRefusal(terms, sku.price, now);
    if (refusal) throw refusal;
    const sale = await holdFlashSaleUnits(tx, saleId, terms, now);
    await writeAudit(tx, actor, now, {
      action: PromotionRoutes.flashSalesCreate,
      target: saleId,
      after: sale,
      detail: { skuId: sku._id, skuStockBefore: sku.stock, skuStockAfter: sku.stock - terms.units },
    });
    return sale;
  });
}

/**
 * Ends a sale early: the settlement the jobs timer makes at `endAt` (`settleFlashSaleIn`: the unsold units back to
 * the SKU, once), now, with `endedEarlyAt`, the version bumped and the audit entry, in one transaction. A sale the
 * timer settled meanwhile makes this one conflict, run again and answer INVALID_STATE: the units move once.
 */
export async function endFlashSaleEarly(
  flashSaleId: string,
  version: number,
  { actor, now }: Acting,
): Promise<{ sale: FlashSaleDoc; returned: number }> {
  return withRetries(
    db,
    async (tx: Transaction) => {
      const sale = (await tx.collection<FlashSaleDoc>(FLASH_SALES).doc(flashSaleId).get()).data;
      if (!sale) throw notFound('秒杀活动');
      if (versionOf(sale) !== version) throw new ShopError(ErrorCode.CONFLICT, CONFLICT_MESSAGE);
      const refusal = flashSaleEndRefusal(sale);
      if (refusal) throw refusal;
      const settled = await settleFlashSaleIn(
        tx,
        flashSaleId,
        { status: 'ended', early: true, fields: { version: version + 1, endedEarlyAt: now } },
        now,
      );
      if (!settled) throw new ShopError(ErrorCode.INVALID_STATE, '秒杀活动已结束');
      await writeAudit(tx, actor, now, {
        action: PromotionRoutes.flashSalesEndEarly,
        target: flashSaleId,
        before: settled.before,
        after: settled.after,
        detail: { skuId: sale.skuId, returned: settled.returned, sold: flashSaleSold(settled.after) },
      });
      return { sale: settled.after, returned: settled.returned };
    },
    SETTLE_ATTEMPTS,
  );
}

// ---- group-buy activities ---------------------------------------------------------------------------------------

export function groupBuyView(doc: GroupBuyActivityDoc, now: Date): AdminGroupBuyView {
  return {
    activityId: doc._id,
    spuId: doc.spuId,
    skuIds: doc.skuIds,
    title: doc.title,
    tiers: doc.tiers,
    targetSize: doc.targetSize,
    timeLimitMinutes: doc.timeLimitMinutes,
    maxQuantity: doc.maxQuantity,
    startAt: iso(doc.startAt),
    endAt: iso(doc.endAt),
    status: doc.status,
    state: doc.status === 'active' ? activityState(doc, now) : 'ended',
    version: versionOf(doc),
    createdAt: iso(doc.createdAt),
    ...(doc.endedEarlyAt ? { endedEarlyAt: iso(doc.endedEarlyAt) } : {}),
  };
}

export async function listGroupBuys(
  input: { status?: GroupBuyActivityDoc['status']; cursor?: string; pageSize: number },
  now: Date,
): Promise<Page<AdminGroupBuyView>> {
  const page = await pageNewestFirst<GroupBuyActivityDoc>(
    GROUP_BUY_ACTIVITIES,
    input.status ? [{ status: input.status }] : [],
    input,
  );
  return mapPage(page, (doc) => groupBuyView(doc, now));
}

/** Creates a group-buy activity (version 1) with its audit entry; it holds no units (its seats' orders take stock). */
export async function createGroupBuy(input: GroupBuyCreateInput, { actor, now }: Acting): Promise<GroupBuyActivityDoc> {
  const spu = (await db.collection<SpuDoc>('spus').doc(input.spuId).get()).data;
  if (!spu) throw notFound('商品');
  const skus = (
    await db
      .collection<SkuDoc>('skus')
      .where({ _id: _.in([...new Set(input.skuIds)]) })
      .get()
  ).data;
  const terms = { ...input, startAt: new Date(input.startAt), endAt: new Date(input.endAt) };
  const refusal = groupBuyRefusal(terms, skus, now);
  if (refusal) throw refusal;
  const doc: GroupBuyActivityDoc = {
    _id: `gb-${randomUUID()}`,
    spuId: input.spuId,
    skuIds: input.skuIds,
    title: input.title ?? '',
    tiers: input.tiers,
    targetSize: input.targetSize,
    timeLimitMinutes: input.timeLimitMinutes,
    maxQuantity: input.maxQuantity,
    startAt: terms.startAt,
    endAt: terms.endAt,
    status: 'active',
    createdAt: now,
    updatedAt: now,
    version: 1,
  };
  return withRetries(db, async (tx) => {
    await tx.collection(GROUP_BUY_ACTIVITIES).add({ data: doc });
    await writeAudit(tx, actor, now, { action: PromotionRoutes.groupBuysCreate, target: doc._id, after: doc });
    return doc;
  });
}

/** Stops an active activity made at `version`: no group opens any more; open groups run to their own end. */
export async function endGroupBuyEarly(
  activityId: string,
  version: number,
  { actor, now }: Acting,
): Promise<GroupBuyActivityDoc> {
  return withRetries(db, async (tx) => {
    const { before, after } = await updateVersioned<GroupBuyActivityDoc & { version: number }>(
      tx,
      GROUP_BUY_ACTIVITIES,
      activityId,
      version,
      '拼团活动',
      (doc) => {
        const refusal = groupBuyEndRefusal(doc);
        if (refusal) throw refusal;
        return { status: 'disabled', endedEarlyAt: now, updatedAt: now };
      },
    );
    await writeAudit(tx, actor, now, { action: PromotionRoutes.groupBuysEndEarly, target: activityId, before, after });
    return after;
  });
}

// ---- member settings --------------------------------------------------------------------------------------------

interface SettingsDoc extends Partial<MemberSettings> {
  _id: string;
  version?: number;
  updatedAt?: Date;
}

const settingsView = (settings: MemberSettings, doc: SettingsDoc | null | undefined): MemberSettingsView => ({
  settings,
  version: doc ? versionOf(doc) : 0,
  ...(doc?.updatedAt ? { updatedAt: iso(doc.updatedAt) } : {}),
});

/** The member settings in force (defaults for what is missing or broken) and their version (0 before any edit). */
export async function readMemberSettings(): Promise<MemberSettingsView> {
  const doc = (await db.collection<SettingsDoc>(SETTINGS).doc(MEMBER_SETTINGS_ID).get()).data;
  return settingsView(parseMemberSettings(doc), doc);
}

/**
 * Applies an edit made at `version` (rules/promotion-edits.ts `applyMemberSettings`) and audits the changed sections
 * before and after, in one transaction; `beforeWrite(changed)` runs first with the sections that change (the route's
 * second verification for `referral`). An edit that changes nothing writes nothing. A missing document (a fresh
 * environment) is version 0 and is created.
 */
export async function updateMemberSettings(
  { version, ...patch }: MemberSettingsUpdateInput,
  { actor, now }: Acting,
  beforeWrite: (changed: Array<keyof MemberSettings>) => void = () => undefined,
): Promise<MemberSettingsView> {
  return withRetries(db, async (tx) => {
    const ref = tx.collection<SettingsDoc>(SETTINGS).doc(MEMBER_SETTINGS_ID);
    const doc = (await ref.get()).data;
    if ((doc ? versionOf(doc) : 0) !== version) throw new ShopError(ErrorCode.CONFLICT, CONFLICT_MESSAGE);
    const current = parseMemberSettings(doc);
    const next = applyMemberSettings(current, patch);
    const changed = changedSections(current, patch);
    beforeWrite(changed);
    if (!changed.length) return settingsView(current, doc);
    await ref.set({ data: { ...next, version: version + 1, updatedAt: now } });
    const pick = (s: MemberSettings) => Object.fromEntries(changed.map((section) => [section, s[section]]));
    await writeAudit(tx, actor, now, {
      action: PromotionRoutes.memberSettingsUpdate,
      target: `settings/${MEMBER_SETTINGS_ID}`,
      before: pick(current),
      after: pick(next),
      detail: { sections: changed, version: version + 1 },
    });
    return { settings: next, version: version + 1, updatedAt: iso(now) };
  });
}
