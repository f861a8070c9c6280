import type { PointsEntryView } from '../../../../typings/member';
import { loadShown, reloadable } from '../../../behaviors/reloadable';
import { messageOf } from '../../../services/errors';
import { fetchMemberSummary, fetchPointsLedger } from '../../../services/member';
import { formatDateTime, signedPoints } from '../../../utils/member-format';
import { canLoadMore, type More, pagePatch } from '../../../utils/paging';
import { formatFen } from '../../../utils/money';

/** 积分明细: the balance (`member.summary`) and every change of points, newest first (`member.points.ledger`), paged. */

type Status = 'loading' | 'ready' | 'error';

const PAGE_SIZE = 20;

interface Row {
  entryId: string;
  label: string;
  at: string;
  delta: string;
  gain: boolean;
  balance: number;
}

function rowOf(entry: PointsEntryView): Row {
  return {
    entryId: entry.entryId,
    label: entry.label,
    at: formatDateTime(entry.at),
    delta: signedPoints(entry.delta),
    gain: entry.delta > 0,
    balance: entry.balanceAfter,
  };
}

Component({
  behaviors: [reloadable],
  data: {
    status: 'loading' as Status,
    errorMessage: '',
    points: 0,
    pointsValue: '',
    rows: [] as Row[],
    cursor: '',
    more: 'idle' as More,
    moreError: '',
  },
  methods: {
    onLoad() {
      void this.load();
    },
    onReachBottom() {
      void this.loadMore();
    },

    async load() {
      await loadShown(this, false, async () => {
        const [summary, page] = await Promise.all([fetchMemberSummary(), fetchPointsLedger(undefined, PAGE_SIZE)]);
        this.setData({
          status: 'ready',
          points: summary.points,
          pointsValue: formatFen(summary.pointsValue),
          ...pagePatch('rows', 0, { rows: page.items.map(rowOf), nextCursor: page.nextCursor }, true),
        });
      });
    },
    async loadMore() {
      const { status, more, cursor, rows } = this.data;
      if (!canLoadMore(status, more)) return;
      this.setData({ more: 'loading' });
      try {
        const page = await fetchPointsLedger(cursor || undefined, PAGE_SIZE);
        this.setData(pagePatch('rows', rows.length, { rows: page.items.map(rowOf), nextCursor: page.nextCursor }, false));
      } catch (err) {
        this.setData({ more: 'error', moreError: messageOf(err) });
      }
    },
  },
});
