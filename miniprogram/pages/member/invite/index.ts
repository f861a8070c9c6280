import type { CommissionEntryView, ReferralSummary, ShareData, WithdrawalView } from '../../../../typings/member';
import { loadShown } from '../../../behaviors/reloadable';
import { messageOf } from '../../../services/errors';
import {
  fetchCommissionLedger,
  fetchReferralSummary,
  fetchShare,
  fetchWithdrawals,
  requestWithdrawal,
} from '../../../services/member';
import { isPrivacyRefusal } from '../../../services/privacy';
import { trackShare } from '../../../services/tracker';
import { formatDateTime, parseYuan, pathOnApp, withdrawalError } from '../../../utils/member-format';
import { canLoadMore, type More, pagePatch } from '../../../utils/paging';
import { formatFen } from '../../../utils/money';
import { PAGES, pageUrl } from '../../../utils/pages';

/**
 * 邀请有礼: the shopper's invite code (copy it, or share the shop with it: `onShareAppMessage` with
 * `member.referral.share`), how many they invited and their commission by where it is (`referral.summary`), a
 * withdrawal request of the available commission (at least the shop's minimum, checked before sending), and two
 * paged lists: 佣金明细 (`commission.ledger`) and 提现记录 (`withdrawals.list`).
 */

const ROUTE = 'pages/member/invite/index';
const PAGE_SIZE = 20;

type Status = 'loading' | 'ready' | 'error';
type Tab = 'commission' | 'withdrawals';

interface Figures {
  inviteCode: string;
  inviteeCount: number;
  rate: string;
  pending: string;
  available: string;
  withdrawing: string;
  withdrawn: string;
  availableFen: number;
  minWithdrawFen: number;
  minText: string;
}

interface Row {
  id: string;
  title: string;
  at: string;
  amount: string;
  note: string;
}

function figuresOf(summary: ReferralSummary): Figures {
  const c = summary.commission;
  return {
    inviteCode: summary.inviteCode,
    inviteeCount: summary.inviteeCount,
    rate: `${summary.commissionBp / 100}%`,
    pending: formatFen(c.pending),
    available: formatFen(c.available),
    withdrawing: formatFen(c.withdrawing),
    withdrawn: formatFen(c.withdrawn),
    availableFen: c.available,
    minWithdrawFen: summary.minWithdrawFen,
    minText: formatFen(summary.minWithdrawFen),
  };
}

function commissionRow(entry: CommissionEntryView): Row {
  return { id: entry.entryId, title: entry.label, at: formatDateTime(entry.at), amount: formatFen(entry.amount), note: '' };
}

function withdrawalRow(w: WithdrawalView): Row {
  return {
    id: w.withdrawalId,
    title: '提现',
    at: formatDateTime(w.requestedAt),
    amount: formatFen(w.amount),
    note: w.statusLabel,
  };
}

Component({
  data: {
    status: 'loading' as Status,
    errorMessage: '',
    figures: null as Figures | null,
    share: null as ShareData | null,
    amount: '',
    amountError: '',
    withdrawing: false,
    tab: 'commission' as Tab,
    listStatus: 'loading' as Status,
    listError: '',
    rows: [] as Row[],
    cursor: '',
    more: 'idle' as More,
    moreError: '',
  },
  methods: {
    onLoad() {
      void this.load();
      void this.loadList();
    },
    onReachBottom() {
      void this.loadMore();
    },
    /** `referral.share` was read with the page (the share sheet needs the answer at once); the home page without it. */
    onShareAppMessage() {
      trackShare(ROUTE);
      const { share } = this.data;
      if (!share) return { title: '好物上新，快来逛逛', path: PAGES.home };
      const home = pageUrl(PAGES.home, { inviteCode: share.inviteCode });
      return { title: share.title, path: pathOnApp(share.path, Object.values(PAGES), home) };
    },

    /** What is shown stays while it reloads (after a withdrawal). */
    async load() {
      await loadShown(this, true, async () => {
        const [summary, share] = await Promise.all([fetchReferralSummary(), fetchShare()]);
        this.setData({ status: 'ready', figures: figuresOf(summary), share });
      });
    },
    retry() {
      void this.load();
      if (this.data.listStatus === 'error') void this.loadList();
    },

    /** The clipboard is privacy-sensitive: WeChat may ask through the popup first. */
    copyCode() {
      const code = this.data.figures?.inviteCode;
      if (!code) return;
      wx.setClipboardData({
        data: code,
        fail: (err) => {
          if (isPrivacyRefusal(err)) void wx.showToast({ title: '未同意隐私保护指引，无法复制', icon: 'none' });
        },
      });
    },

    onAmount(e: WechatMiniprogram.Input) {
      this.setData({ amount: e.detail.value, amountError: '' });
    },
    withdrawAll() {
      const fen = this.data.figures?.availableFen ?? 0;
      this.setData({ amount: (fen / 100).toFixed(2), amountError: '' });
    },
    async withdraw() {
      const { figures, amount, withdrawing } = this.data;
      if (!figures || withdrawing) return;
      const fen = parseYuan(amount);
      const problem = withdrawalError(fen, { minWithdrawFen: figures.minWithdrawFen, available: figures.availableFen });
      if (problem || fen === null) {
        this.setData({ amountError: problem });
        return;
      }
      this.setData({ withdrawing: true, amountError: '' });
      try {
        await requestWithdrawal(fen);
        void wx.showToast({ title: '提现申请已提交', icon: 'success' });
        this.setData({ amount: '', tab: 'withdrawals' });
        await Promise.all([this.load(), this.loadList()]);
      } catch (err) {
        this.setData({ amountError: messageOf(err) });
      } finally {
        this.setData({ withdrawing: false });
      }
    },

    switchTab(e: WechatMiniprogram.TouchEvent<Record<string, never>, Record<string, never>, { tab: Tab }>) {
      const { tab } = e.currentTarget.dataset;
      if (tab === this.data.tab) return;
      this.setData({ tab, rows: [], cursor: '', more: 'idle' });
      void this.loadList();
    },
    async page(tab: Tab, cursor?: string): Promise<{ rows: Row[]; nextCursor?: string }> {
      if (tab === 'commission') {
        const page = await fetchCommissionLedger(cursor, PAGE_SIZE);
        return { rows: page.items.map(commissionRow), nextCursor: page.nextCursor };
      }
      const page = await fetchWithdrawals(cursor, PAGE_SIZE);
      return { rows: page.items.map(withdrawalRow), nextCursor: page.nextCursor };
    },
    async loadList() {
      const { tab } = this.data;
      this.setData({ listStatus: 'loading' });
      try {
        const page = await this.page(tab);
        if (tab === this.data.tab) this.setData({ listStatus: 'ready', ...pagePatch('rows', 0, page, true) });
      } catch (err) {
        if (tab === this.data.tab) this.setData({ listStatus: 'error', listError: messageOf(err) });
      }
    },
    async loadMore() {
      const { tab, listStatus, more, cursor, rows } = this.data;
      if (!canLoadMore(listStatus, more)) return;
      this.setData({ more: 'loading' });
      try {
        const page = await this.page(tab, cursor || undefined);
        if (tab === this.data.tab) this.setData(pagePatch('rows', rows.length, page, false));
      } catch (err) {
        if (tab === this.data.tab) this.setData({ more: 'error', moreError: messageOf(err) });
      }
    },
    retryList() {
      void this.loadList();
    },
  },
});
