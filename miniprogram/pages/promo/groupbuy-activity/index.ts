import type { ActivityDetail, SeatTaken } from '../../../../typings/groupbuy';
import { pageView } from '../../../behaviors/page-view';
import { loadShown, reloadable } from '../../../behaviors/reloadable';
import { shippingBar } from '../../../behaviors/shipping-bar';
import { messageOf } from '../../../services/errors';
import { fetchActivity, joinGroup, openGroup } from '../../../services/groupbuy';
import type { ShippingView } from '../../../utils/address-form';
import { GROUP_SEAT_ATTEMPT, IdempotentAttempt, type PendingAttempt, pageDataStore } from '../../../utils/idempotent-attempt';
import { openPage } from '../../../utils/navigation';
import { PAGES, pageUrl } from '../../../utils/pages';
import { openingPrice, specText, tierRows } from '../../../utils/promo-format';

/**
 * 拼团活动 (`?activityId=`, and `groupId=` from a shared group to join it): the tiers (the more members, the lower
 * the price), the SKU and quantity, the address, 发起拼团 (`groupbuy.open`, at the first tier's price) and the groups
 * one can join now (`groupbuy.join`, at the price of the tier the group reaches). Either opens the unpaid order; the
 * idempotency key is kept until the outcome is known (utils/idempotent-attempt.ts).
 */

const ROUTE = 'pages/promo/groupbuy-activity/index';

type Status = 'loading' | 'ready' | 'error';

interface SkuChoice {
  skuId: string;
  spec: string;
  normalPrice: number;
  soldOut: boolean;
}

interface GroupRow {
  groupId: string;
  leaderName: string;
  leaderAvatar: string;
  initial: string;
  seatsLeft: number;
  joined: number;
  expiresAt: string;
  targeted: boolean;
}

interface ActivityInfo {
  activityId: string;
  title: string;
  image: string;
  tiers: Array<{ minMembers: number; price: number; text: string }>;
  openPrice: number;
  targetSize: number;
  hours: string;
  maxQuantity: number;
  state: ActivityDetail['state'];
  startAt: string;
  endAt: string;
}

function infoOf(a: ActivityDetail): ActivityInfo {
  const hours = a.timeLimitMinutes % 60 ? `${a.timeLimitMinutes} 分钟` : `${a.timeLimitMinutes / 60} 小时`;
  return {
    activityId: a.activityId,
    title: a.title,
    image: a.image,
    tiers: tierRows(a.tiers),
    openPrice: openingPrice(a.tiers),
    targetSize: a.targetSize,
    hours,
    maxQuantity: a.maxQuantity,
    state: a.state,
    startAt: a.startAt,
    endAt: a.endAt,
  };
}

Component({
  behaviors: [pageView(ROUTE), reloadable, shippingBar],
  data: {
    status: 'loading' as Status,
    errorMessage: '',
    activityId: '',
    targetGroupId: '',
    targetMissing: false,
    info: null as ActivityInfo | null,
    skus: [] as SkuChoice[],
    skuId: '',
    normalPrice: 0,
    quantity: 1,
    groups: [] as GroupRow[],
    address: null as ShippingView | null,
    busy: '',
    attempt: null as PendingAttempt | null,
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      this.setData({ activityId: query.activityId ?? '', targetGroupId: query.groupId ?? '' });
      void this.load();
    },

    async load(keep = false) {
      await loadShown(this, keep, async () => this.show(await fetchActivity(this.data.activityId)));
    },
    show(activity: ActivityDetail) {
      const { targetGroupId } = this.data;
      const skus = activity.skus.map((s) => ({
        skuId: s.skuId,
        spec: specText(s.specValues) || '默认',
        normalPrice: s.normalPrice,
        soldOut: s.stock <= 0,
      }));
      // Keep the shopper's choice while it can still be bought; else the first that can.
      const kept = skus.find((s) => s.skuId === this.data.skuId && !s.soldOut) ?? skus.find((s) => !s.soldOut);
      const groups = activity.openGroups.map((g) => ({
        groupId: g.groupId,
        leaderName: g.leader.displayName,
        leaderAvatar: g.leader.avatarUrl ?? '',
        initial: g.leader.displayName.slice(0, 1),
        seatsLeft: g.seatsLeft,
        joined: g.joined,
        expiresAt: g.expiresAt,
        targeted: g.groupId === targetGroupId,
      }));
      // The shared group first, so the shopper sees the one they came for.
      groups.sort((a, b) => Number(b.targeted) - Number(a.targeted));
      this.setData({
        status: 'ready',
        info: infoOf(activity),
        skus,
        skuId: kept?.skuId ?? '',
        normalPrice: kept?.normalPrice ?? 0,
        quantity: Math.min(this.data.quantity, activity.maxQuantity),
        groups,
        targetMissing: !!targetGroupId && !groups.some((g) => g.targeted),
      });
    },
    pickSku(e: WechatMiniprogram.TouchEvent<Record<string, never>, Record<string, never>, { id: string }>) {
      const sku = this.data.skus.find((s) => s.skuId === e.currentTarget.dataset.id);
      if (sku && !sku.soldOut) this.setData({ skuId: sku.skuId, normalPrice: sku.normalPrice });
    },
    less() {
      if (this.data.quantity > 1) this.setData({ quantity: this.data.quantity - 1 });
    },
    more() {
      const max = this.data.info?.maxQuantity ?? 1;
      if (this.data.quantity < max) this.setData({ quantity: this.data.quantity + 1 });
      else void wx.showToast({ title: `每人限购 ${max} 件`, icon: 'none' });
    },

    /** What both buttons need first: a running activity, a SKU and an address. */
    ready(): { skuId: string; addressId: string } | null {
      const { info, skuId, address } = this.data;
      if (!info || info.state !== 'running') return null;
      if (!skuId) {
        void wx.showToast({ title: '请选择规格', icon: 'none' });
        return null;
      }
      if (!address) {
        void wx.showToast({ title: '请先选择收货地址', icon: 'none' });
        openPage(pageUrl(PAGES.addresses, { select: 1 }));
        return null;
      }
      return { skuId, addressId: address.addressId };
    },
    open() {
      const choice = this.ready();
      if (!choice || this.data.busy) return;
      const { activityId, quantity } = this.data;
      void this.take('open', { kind: 'open', activityId, quantity, ...choice }, (key) =>
        openGroup(activityId, { ...choice, quantity, idempotencyKey: key }),
      );
    },
    join(e: WechatMiniprogram.TouchEvent<Record<string, never>, Record<string, never>, { id: string }>) {
      const choice = this.ready();
      if (!choice || this.data.busy) return;
      const groupId = e.currentTarget.dataset.id;
      const { quantity } = this.data;
      void this.take(groupId, { kind: 'join', groupId, quantity, ...choice }, (key) =>
        joinGroup(groupId, { ...choice, quantity, idempotencyKey: key }),
      );
    },
    /** A seat with its unpaid order: opens the order to pay it. */
    async take(busy: string, params: Record<string, string | number>, send: (key: string) => Promise<SeatTaken>) {
      const attempt = new IdempotentAttempt(pageDataStore(this), GROUP_SEAT_ATTEMPT);
      this.setData({ busy });
      try {
        const seat = await attempt.send(params, send);
        openPage(pageUrl(PAGES.orderDetail, { orderId: seat.order.orderId }));
      } catch (err) {
        void wx.showToast({ title: messageOf(err), icon: 'none' });
      } finally {
        this.setData({ busy: '' });
      }
      void this.load(true);
    },
    viewGroup(e: WechatMiniprogram.TouchEvent<Record<string, never>, Record<string, never>, { id: string }>) {
      openPage(pageUrl(PAGES.group, { groupId: e.currentTarget.dataset.id }));
    },
  },
});
