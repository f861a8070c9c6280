import type { AfterSaleView } from '../../../../typings/order-after-sale';
import { pageView } from '../../../behaviors/page-view';
import { reloadable, reloadWhenShownAgain } from '../../../behaviors/reloadable';
import { fetchAfterSales } from '../../../services/after-sales';
import { formatFen } from '../../../utils/money';
import { openPage } from '../../../utils/navigation';
import { formatTime } from '../../../utils/order-status';
import { PAGES, pageUrl } from '../../../utils/pages';
import { PagedList, pagedListOf } from '../../../utils/paged-list';

/** 退款/售后: the shopper's after-sale cases, newest first, a page at a time; a tap opens the case. */

const ROUTE = 'pages/order/aftersale-list/index';
const PAGE_SIZE = 10;

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

Component({
  behaviors: [pageView(ROUTE), reloadable, reloadWhenShownAgain],
  data: {
    ...PagedList.empty('cases'),
    cases: [] as CaseCard[],
  },
  methods: {
    onLoad() {
      void this.load();
    },
    onReachBottom() {
      void this.loadMore();
    },

    list(): PagedList<AfterSaleView, CaseCard> {
      return pagedListOf(this, () => ({ key: 'cases', fetch: (cursor) => fetchAfterSales(cursor, PAGE_SIZE), row: card }));
    },
    /** The first page; `quiet` keeps what is shown until the answer comes. */
    async load(quiet = false) {
      await this.list().reload(quiet);
    },
    async loadMore() {
      await this.list().more();
    },
    open(e: WechatMiniprogram.TouchEvent<Record<string, never>, Record<string, never>, { caseId: string }>) {
      openPage(pageUrl(PAGES.afterSaleDetail, { caseId: e.currentTarget.dataset.caseId }));
    },
  },
});
