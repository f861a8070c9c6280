import type { ClaimableCoupon, CouponRule } from '../../../../typings/coupon';
import { claimCoupon, fetchClaimableCoupons } from '../../../services/coupons';
import { loadShown, reloadable } from '../../../behaviors/reloadable';
import { messageOf, ServiceError } from '../../../services/errors';
import { openPage } from '../../../utils/navigation';
import { PAGES } from '../../../utils/pages';
import { CLAIM_LABELS, type ClaimState, claimState, validityText } from '../../../utils/promo-format';

/**
 * 领券中心: the coupons the shopper can claim now (`coupon.claimable`), each with its amount, scope, validity, what is
 * left and the per-shopper limit; 立即领取 claims one (`coupon.claim`) and says how it went. A coupon that ran out
 * meanwhile turns 已抢光, one at its limit 已领取.
 */

type Status = 'loading' | 'ready' | 'error';

interface Row {
  templateId: string;
  rule: CouponRule;
  name: string;
  scopeText: string;
  dates: string;
  note: string;
  state: ClaimState;
  label: string;
}

function rowOf(coupon: ClaimableCoupon, soldOut = false): Row {
  const state = claimState(coupon, soldOut);
  const held = coupon.claimed ? `，已领 ${coupon.claimed} 张` : '';
  return {
    templateId: coupon.templateId,
    rule: coupon.rule,
    name: coupon.name,
    scopeText: coupon.scopeText,
    dates: validityText(coupon.validity),
    note: state === 'sold_out' ? '已被领完' : `剩余 ${coupon.remaining} 张 · 每人限领 ${coupon.perUser} 张${held}`,
    state,
    label: CLAIM_LABELS[state],
  };
}

/**
 * The list after a claim, in the order shown: rows as `claimable` answers them now; one that just answered 已抢光 stays,
 * marked, though the list no longer carries it (until the page is reloaded); new ones at the end.
 */
function refreshed(shown: Row[], fresh: ClaimableCoupon[], soldOut: ReadonlySet<string>): Row[] {
  const now = new Map(fresh.map((c) => [c.templateId, rowOf(c, soldOut.has(c.templateId))]));
  const rows = shown.flatMap((row): Row[] => {
    const current = now.get(row.templateId);
    if (current) return [current];
    return soldOut.has(row.templateId) ? [{ ...row, state: 'sold_out', label: CLAIM_LABELS.sold_out, note: '已被领完' }] : [];
  });
  const known = new Set(shown.map((r) => r.templateId));
  return [...rows, ...[...now.values()].filter((r) => !known.has(r.templateId))];
}

Component({
  behaviors: [reloadable],
  data: {
    status: 'loading' as Status,
    errorMessage: '',
    rows: [] as Row[],
    claiming: '',
  },
  methods: {
    onLoad() {
      void this.load();
    },

    /** What is shown stays while it reloads (a pull-down refresh). */
    async load() {
      await loadShown(this, true, async () => this.show(await fetchClaimableCoupons()));
    },
    show(coupons: ClaimableCoupon[]) {
      this.setData({ status: 'ready', rows: coupons.map((c) => rowOf(c)) });
    },

    async claim(e: WechatMiniprogram.TouchEvent<Record<string, never>, Record<string, never>, { id: string }>) {
      const { id } = e.currentTarget.dataset;
      const row = this.data.rows.find((r) => r.templateId === id);
      if (!row || row.state !== 'claimable' || this.data.claiming) return;
      this.setData({ claiming: id });
      let soldOut = new Set<string>();
      try {
        await claimCoupon(id);
        void wx.showToast({ title: '领取成功', icon: 'success' });
      } catch (err) {
        if (err instanceof ServiceError && err.code === 'OUT_OF_STOCK') soldOut = new Set([id]);
        void wx.showToast({ title: messageOf(err), icon: 'none' });
      }
      try {
        this.setData({ status: 'ready', rows: refreshed(this.data.rows, await fetchClaimableCoupons(), soldOut) });
      } catch {
        // The claim's own answer was shown; the list stays as it was.
      } finally {
        this.setData({ claiming: '' });
      }
    },

    openMine() {
      openPage(PAGES.myCoupons);
    },
  },
});
