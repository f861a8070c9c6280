import type { GroupView } from '../../../../typings/groupbuy';
import { pageView } from '../../../behaviors/page-view';
import { loadShown, reloadable } from '../../../behaviors/reloadable';
import { fetchGroup } from '../../../services/groupbuy';
import { trackShare } from '../../../services/tracker';
import { pathOnApp } from '../../../utils/member-format';
import { openPage } from '../../../utils/navigation';
import { PAGES, pageUrl } from '../../../utils/pages';
import { type SeatView, seatsOf, tierRows } from '../../../utils/promo-format';

/**
 * 拼团详情 (`?groupId=`, also what a shared group opens): the group's members and empty seats, the time left, the
 * tiers with what joining costs now, and its state. A member invites friends (`onShareAppMessage` with the group's
 * `share`) and opens their order; anyone else joins through the activity page, where SKU and address are chosen.
 */

const ROUTE = 'pages/promo/group/index';

type Status = 'loading' | 'ready' | 'error';

interface GroupInfo {
  groupId: string;
  activityId: string;
  title: string;
  image: string;
  status: GroupView['status'];
  statusLabel: string;
  targetSize: number;
  seatsLeft: number;
  joinPrice: number;
  closePrice: number;
  expiresAt: string;
  joinedByMe: boolean;
  myOrderId: string;
  tiers: Array<{ minMembers: number; price: number; text: string; reached: boolean }>;
}

function infoOf(g: GroupView): GroupInfo {
  return {
    groupId: g.groupId,
    activityId: g.activityId,
    title: g.title,
    image: g.image,
    status: g.status,
    statusLabel: g.statusLabel,
    targetSize: g.targetSize,
    seatsLeft: g.seatsLeft,
    joinPrice: g.joinPrice,
    closePrice: g.closePrice ?? 0,
    expiresAt: g.expiresAt,
    joinedByMe: g.joinedByMe,
    myOrderId: g.myOrderId ?? '',
    tiers: tierRows(g.tiers).map((t) => ({ ...t, reached: g.joined >= t.minMembers })),
  };
}

Component({
  behaviors: [pageView(ROUTE), reloadable],
  data: {
    status: 'loading' as Status,
    errorMessage: '',
    groupId: '',
    group: null as GroupInfo | null,
    seats: [] as SeatView[],
    share: null as GroupView['share'] | null,
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      this.setData({ groupId: query.groupId ?? '' });
      void this.load();
    },
    onShow() {
      if (this.data.status === 'ready') void this.load(true);
    },
    onShareAppMessage() {
      trackShare(ROUTE);
      const { share, groupId } = this.data;
      const path = pageUrl(PAGES.group, { groupId });
      if (!share) return { title: '一起拼团更便宜', path };
      return { title: share.title, path: pathOnApp(share.path, Object.values(PAGES), path), imageUrl: share.imageUrl };
    },

    /** Also when time is up (`onCountdownFinish`): the timer settles the group within a minute. */
    async load(keep = false) {
      await loadShown(this, keep, async () => {
        const group = await fetchGroup(this.data.groupId);
        this.setData({
          status: 'ready',
          group: infoOf(group),
          seats: seatsOf(group.members, group.targetSize),
          share: group.share,
        });
      });
    },

    join() {
      const { group } = this.data;
      if (group) openPage(pageUrl(PAGES.groupBuyActivity, { activityId: group.activityId, groupId: group.groupId }));
    },
    openActivity() {
      const { group } = this.data;
      if (group) openPage(pageUrl(PAGES.groupBuyActivity, { activityId: group.activityId }));
    },
    openOrder() {
      const { group } = this.data;
      if (group?.myOrderId) openPage(pageUrl(PAGES.orderDetail, { orderId: group.myOrderId }));
    },
  },
});
