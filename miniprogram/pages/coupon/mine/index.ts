import type { CouponRule, CouponView, MineStatus } from '../../../../typings/coupon';
import { fetchMyCoupons } from '../../../services/coupons';
import { reloadable } from '../../../behaviors/reloadable';
import { messageOf } from '../../../services/errors';
import { formatDay } from '../../../utils/member-format';
import { canLoadMore, type More, pagePatch } from '../../../utils/paging';
import { openPage } from '../../../utils/navigation';
import { PAGES } from '../../../utils/pages';
import { COUPON_STATUS_LABELS, heldValidityText } from '../../../utils/promo-format';

/**
 * 我的优惠券: the shopper's coupons in three tabs (可使用 / 已使用 / 已过期, `coupon.mine`), a page at a time as they
 * scroll. `?status=used` opens a tab; the win-back message (优惠券到账) opens this page.
 */

type Status = 'loading' | 'ready' | 'error';

const TABS: Array<{ key: MineStatus; label: string; empty: string }> = [
  { key: 'available', label: '可使用', empty: '暂无可用的优惠券' },
  { key: 'used', label: '已使用', empty: '还没有使用过优惠券' },
  { key: 'expired', label: '已过期', empty: '没有过期的优惠券' },
];
const PAGE_SIZE = 10;

interface Row {
  couponId: string;
  rule: CouponRule;
  name: string;
  scopeText: string;
  dates: string;
  note: string;
  muted: boolean;
  usable: boolean;
}

function rowOf(coupon: CouponView, now = Date.now()): Row {
  const notYet = coupon.status === 'available' && Date.parse(coupon.validFrom) > now;
  const note = notYet
    ? `${formatDay(coupon.validFrom)} 起可用`
    : coupon.status === 'available'
      ? ''
      : COUPON_STATUS_LABELS[coupon.status];
  return {
    couponId: coupon.couponId,
    rule: coupon.rule,
    name: coupon.name,
    scopeText: coupon.scopeText,
    dates: heldValidityText(coupon),
    note,
    muted: coupon.status !== 'available',
    usable: coupon.status === 'available' && !notYet,
  };
}

Component({
  behaviors: [reloadable],
  data: {
    tabs: TABS,
    tab: 'available' as MineStatus,
    empty: TABS[0]!.empty,
    status: 'loading' as Status,
    errorMessage: '',
    rows: [] as Row[],
    cursor: '',
    more: 'idle' as More,
    moreError: '',
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const tab = TABS.find((t) => t.key === query.status) ?? TABS[0]!;
      this.setData({ tab: tab.key, empty: tab.empty });
      void this.load();
    },
    onReachBottom() {
      void this.loadMore();
    },

    switchTab(e: WechatMiniprogram.TouchEvent<Record<string, never>, Record<string, never>, { key: MineStatus }>) {
      const tab = TABS.find((t) => t.key === e.currentTarget.dataset.key);
      if (!tab || tab.key === this.data.tab) return;
      this.setData({ tab: tab.key, empty: tab.empty, rows: [], cursor: '', more: 'idle' });
      void this.load();
    },

    async load() {
      const { tab } = this.data;
      this.setData({ status: 'loading' });
      try {
        const page = await fetchMyCoupons(tab, undefined, PAGE_SIZE);
        if (tab !== this.data.tab) return; // the shopper switched tabs meanwhile
        this.setData({
          status: 'ready',
          ...pagePatch('rows', 0, { rows: page.items.map((c) => rowOf(c)), nextCursor: page.nextCursor }, true),
        });
      } catch (err) {
        if (tab === this.data.tab) this.setData({ status: 'error', errorMessage: messageOf(err) });
      }
    },
    async loadMore() {
      const { tab, status, more, cursor, rows } = this.data;
      if (!canLoadMore(status, more)) return;
      this.setData({ more: 'loading' });
      try {
        const page = await fetchMyCoupons(tab, cursor || undefined, PAGE_SIZE);
        if (tab !== this.data.tab) return;
        this.setData(
          pagePatch('rows', rows.length, { rows: page.items.map((c) => rowOf(c)), nextCursor: page.nextCursor }, false),
        );
      } catch (err) {
        if (tab === this.data.tab) this.setData({ more: 'error', moreError: messageOf(err) });
      }
    },

    use() {
      openPage(PAGES.home);
    },
    openCentre() {
      openPage(PAGES.couponCentre);
    },
  },
});
