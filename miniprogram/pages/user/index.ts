import type { MemberSummary } from '../../../typings/member';
import type { Profile } from '../../../typings/user';
import { pageView } from '../../behaviors/page-view';
import { loadShown, reloadable } from '../../behaviors/reloadable';
import { fetchMemberSummary } from '../../services/member';
import { fetchProfile } from '../../services/user';
import { levelText } from '../../utils/member-format';
import { openPage } from '../../utils/navigation';
import { PAGES, pageUrl } from '../../utils/pages';

/**
 * 我的 (tab): the shopper's header (avatar, nickname, member level, points) from `user.profile` and `member.summary`,
 * shortcuts to the orders by status and to after-sales, and the entries to coupons, member pages, favorites,
 * footprints, addresses, help and the privacy policy. Only the header depends on the calls: the rest works even when
 * they fail.
 */

const ROUTE = 'pages/user/index';

type Status = 'loading' | 'ready' | 'error';

interface Header {
  displayName: string;
  avatarUrl: string;
  initial: string;
  level: string;
  points: number;
}

interface Shortcut {
  key: string;
  label: string;
  icon: string;
  url: string;
}

/** The order list's status filter (typings/order.ts `OrderStatusFilter`) behind each shortcut. */
const ORDER_SHORTCUTS: Shortcut[] = [
  { key: 'pending_payment', label: '待付款', icon: 'wallet', url: pageUrl(PAGES.orderList, { status: 'pending_payment' }) },
  { key: 'paid', label: '待发货', icon: 'gift', url: pageUrl(PAGES.orderList, { status: 'paid' }) },
  { key: 'shipped', label: '待收货', icon: 'vehicle', url: pageUrl(PAGES.orderList, { status: 'shipped' }) },
  { key: 'after_sale', label: '售后', icon: 'service', url: PAGES.afterSaleList },
];

const ENTRIES: Shortcut[] = [
  { key: 'coupons', label: '优惠券', icon: 'discount', url: PAGES.myCoupons },
  { key: 'member', label: '会员中心', icon: 'member', url: PAGES.memberCentre },
  { key: 'points', label: '积分', icon: 'star', url: PAGES.points },
  { key: 'invite', label: '邀请有礼', icon: 'share', url: PAGES.invite },
  { key: 'favorites', label: '收藏', icon: 'heart', url: PAGES.favorites },
  { key: 'footprints', label: '足迹', icon: 'time', url: PAGES.footprints },
  { key: 'addresses', label: '地址', icon: 'location', url: PAGES.addresses },
  { key: 'help', label: '帮助与客服', icon: 'help-circle', url: PAGES.help },
  { key: 'privacy', label: '隐私政策', icon: 'secured', url: PAGES.privacy },
];

Component({
  behaviors: [pageView(ROUTE), reloadable],
  data: {
    status: 'loading' as Status,
    errorMessage: '',
    header: null as Header | null,
    orderShortcuts: ORDER_SHORTCUTS,
    entries: ENTRIES,
    links: { member: PAGES.memberCentre, points: PAGES.points },
  },
  methods: {
    /** A tab is shown again after the profile or a level changed elsewhere: read the header every time. */
    onShow() {
      void this.load();
    },

    /** What is shown stays while it reloads; only the first load shows 加载中. */
    async load() {
      await loadShown(this, true, async () => {
        const [profile, summary] = await Promise.all([fetchProfile(), fetchMemberSummary()]);
        this.setData({ status: 'ready', header: headerOf(profile, summary) });
      });
    },

    open(e: WechatMiniprogram.TouchEvent<Record<string, never>, Record<string, never>, { url: string }>) {
      openPage(e.currentTarget.dataset.url);
    },
    openProfile() {
      openPage(PAGES.profile);
    },
    openOrders() {
      openPage(PAGES.orderList);
    },
  },
});

function headerOf(profile: Profile, summary: MemberSummary): Header {
  return {
    displayName: profile.displayName,
    avatarUrl: profile.avatarUrl ?? '',
    initial: profile.displayName.slice(0, 1),
    level: levelText(summary.level),
    points: summary.points,
  };
}
