import type { ActivityView } from '../../../../typings/groupbuy';
import { pageView } from '../../../behaviors/page-view';
import { loadShown, reloadable } from '../../../behaviors/reloadable';
import { fetchGroupBuys } from '../../../services/groupbuy';
import { openPage } from '../../../utils/navigation';
import { PAGES, pageUrl } from '../../../utils/pages';
import { lowestTierPrice, tierRows } from '../../../utils/promo-format';

/** 拼团: the running and upcoming group-buys (`groupbuy.list`) with their tiers; a tap opens the activity. */

const ROUTE = 'pages/promo/groupbuy/index';

type Status = 'loading' | 'ready' | 'error';

interface Row {
  activityId: string;
  title: string;
  image: string;
  lowest: number;
  normalPrice: number;
  tiers: string;
  targetSize: number;
  upcoming: boolean;
  startAt: string;
}

function rowOf(a: ActivityView): Row {
  return {
    activityId: a.activityId,
    title: a.title,
    image: a.image,
    lowest: lowestTierPrice(a.tiers),
    normalPrice: Math.min(...a.skus.map((s) => s.normalPrice)),
    tiers: tierRows(a.tiers)
      .map((t) => t.text)
      .join(' · '),
    targetSize: a.targetSize,
    upcoming: a.state === 'upcoming',
    startAt: a.startAt,
  };
}

Component({
  behaviors: [pageView(ROUTE), reloadable],
  data: { status: 'loading' as Status, errorMessage: '', rows: [] as Row[] },
  methods: {
    onLoad() {
      void this.load();
    },
    async load(keep = false) {
      await loadShown(this, keep, async () => {
        const activities = await fetchGroupBuys();
        this.setData({ status: 'ready', rows: activities.filter((a) => a.state !== 'ended').map(rowOf) });
      });
    },
    open(e: WechatMiniprogram.TouchEvent<Record<string, never>, Record<string, never>, { id: string }>) {
      openPage(pageUrl(PAGES.groupBuyActivity, { activityId: e.currentTarget.dataset.id }));
    },
  },
});
