import type { AfterSaleView } from '../../../../typings/order-after-sale';
import { fetchAfterSales } from '../../../services/after-sales';
import { messageOf } from '../../../services/errors';
import { trackPageView } from '../../../services/tracker';
import { formatFen } from '../../../utils/money';
import { openPage } from '../../../utils/navigation';
import { formatTime } from '../../../utils/order-status';
import { PAGES, pageUrl } from '../../../utils/pages';

/** 退款/售后: the shopper's after-sale cases, newest first, a page at a time; a tap opens the case. */

const ROUTE = 'pages/order/aftersale-list/index';
const PAGE_SIZE = 10;

type Status = 'loading' | 'ready' | 'error';
type More = 'idle' | 'loading' | 'done' | 'error';

interface CaseCard {
  caseId: string;
  kindLabel: string;
  status: string;
  statusLabel: string;
  title: string;
  images: Array<{ key: string; src: string }>;
  units: number;
  refundText: string;
  createdText: string;
}

function card(c: AfterSaleView): CaseCard {
  return {
    caseId: c.caseId,
    kindLabel: c.kindLabel,
    status: c.status,
    statusLabel: c.statusLabel,
    title: c.lines.length === 1 ? (c.lines[0]?.title ?? '') : `${c.lines.length} 种商品`,
    images: c.lines.slice(0, 4).map((l) => ({ key: `${l.index}`, src: l.image })),
    units: c.lines.reduce((n, l) => n + l.quantity, 0),
    refundText: formatFen(c.refundFee),
    createdText: formatTime(c.createdAt),
  };
}

let generation = 0;

Component({
  data: {
    status: 'loading' as Status,
    errorMessage: '',
    cases: [] as CaseCard[],
    cursor: '',
    more: 'idle' as More,
    moreError: '',
    shown: false,
  },
  methods: {
    onLoad() {
      void this.load();
    },
    onShow() {
      trackPageView(ROUTE);
      if (this.data.shown) void this.load(true);
      this.setData({ shown: true });
    },
    async onPullDownRefresh() {
      await this.load(true);
      void wx.stopPullDownRefresh();
    },
    onReachBottom() {
      void this.loadMore();
    },

    async load(quiet = false) {
      const mine = ++generation;
      if (!quiet || this.data.status !== 'ready') this.setData({ status: 'loading' });
      try {
        const page = await fetchAfterSales(undefined, PAGE_SIZE);
        if (mine !== generation) return;
        this.setData({
          status: 'ready',
          cases: page.items.map(card),
          cursor: page.nextCursor ?? '',
          more: page.nextCursor ? 'idle' : 'done',
        });
      } catch (err) {
        if (mine !== generation) return;
        if (quiet && this.data.status === 'ready') void wx.showToast({ title: messageOf(err), icon: 'none' });
        else this.setData({ status: 'error', errorMessage: messageOf(err) });
      }
    },
    retry() {
      void this.load();
    },
    async loadMore() {
      const { status, more, cursor, cases } = this.data;
      if (status !== 'ready' || (more !== 'idle' && more !== 'error')) return;
      const mine = generation;
      this.setData({ more: 'loading' });
      try {
        const page = await fetchAfterSales(cursor, PAGE_SIZE);
        if (mine !== generation) return;
        const added = Object.fromEntries(page.items.map((c, i) => [`cases[${cases.length + i}]`, card(c)]));
        this.setData({ ...added, cursor: page.nextCursor ?? '', more: page.nextCursor ? 'idle' : 'done' });
      } catch (err) {
        if (mine === generation) this.setData({ more: 'error', moreError: messageOf(err) });
      }
    },
    open(e: WechatMiniprogram.TouchEvent<Record<string, never>, Record<string, never>, { caseId: string }>) {
      openPage(pageUrl(PAGES.afterSaleDetail, { caseId: e.currentTarget.dataset.caseId }));
    },
  },
});
