import type { CheckinCalendar, CheckinResult, MemberSummary } from '../../../../typings/member';
import type { MessageTemplates } from '../../../../typings/user';
import { loadShown, reloadable } from '../../../behaviors/reloadable';
import { messageOf } from '../../../services/errors';
import { checkIn, fetchCheckinCalendar, fetchMemberSummary } from '../../../services/member';
import { fetchMessageTemplates, recordMessageConsent } from '../../../services/messages';
import { discountText, levelProgress } from '../../../utils/member-format';
import { formatFen } from '../../../utils/money';
import { openPage } from '../../../utils/navigation';
import { PAGES } from '../../../utils/pages';

/**
 * 会员中心: points (and what they are worth), level with its discount and the progress to the next one
 * (`member.summary`), the month's check-in calendar (`member.checkin.calendar`) with 签到 (`member.checkin`, the
 * reward shown), and a reminder subscription: the 优惠券到账 message (`coupon_issued`, the win-back campaign's),
 * asked with `wx.requestSubscribeMessage` in the tap itself, as WeChat requires, and recorded with `messages.consent`.
 */

type Status = 'loading' | 'ready' | 'error';

interface Card {
  points: number;
  pointsValue: string;
  level: string;
  discount: string;
  growth: number;
  percent: number;
  hint: string;
}

interface Checkin {
  month: string;
  days: number[];
  today: string;
  checkedInToday: boolean;
  streak: number;
  todayReward: number;
}

function cardOf(summary: MemberSummary): Card {
  const progress = levelProgress(summary);
  return {
    points: summary.points,
    pointsValue: formatFen(summary.pointsValue),
    level: summary.level.name,
    discount: discountText(summary.level.discountBp),
    growth: summary.growth,
    percent: progress.percent,
    hint: progress.hint,
  };
}

function checkinOf(calendar: CheckinCalendar): Checkin {
  return { month: calendar.month, days: calendar.days, ...calendar.checkin };
}

/** `签到成功 +15 积分（含连续签到奖励 10）` */
function rewardText(result: CheckinResult): string {
  const total = result.points + result.bonus;
  return `签到成功 +${total} 积分${result.bonus ? `（含连续签到奖励 ${result.bonus}）` : ''}`;
}

Component({
  behaviors: [reloadable],
  data: {
    status: 'loading' as Status,
    errorMessage: '',
    card: null as Card | null,
    checkin: null as Checkin | null,
    reward: '',
    checkingIn: false,
    /** Template ids, read ahead: the subscription must be asked in the tap, with no call before it. */
    templates: null as MessageTemplates | null,
    reminded: false,
  },
  methods: {
    onLoad() {
      void this.load();
      void fetchMessageTemplates().then(
        (templates) => this.setData({ templates }),
        () => undefined, // without them the reminder says it is unavailable
      );
    },

    /** What is shown stays while it reloads (after a check-in). */
    async load() {
      await loadShown(this, true, async () => {
        const [summary, calendar] = await Promise.all([fetchMemberSummary(), fetchCheckinCalendar()]);
        this.setData({ status: 'ready', card: cardOf(summary), checkin: checkinOf(calendar) });
      });
    },

    async checkIn() {
      if (this.data.checkingIn || !this.data.checkin || this.data.checkin.checkedInToday) return;
      this.setData({ checkingIn: true });
      try {
        const result = await checkIn();
        this.setData({ reward: rewardText(result) });
        void wx.showToast({ title: `+${result.points + result.bonus} 积分`, icon: 'success' });
      } catch (err) {
        void wx.showToast({ title: messageOf(err), icon: 'none' });
      } finally {
        this.setData({ checkingIn: false });
      }
      // The calendar, streak and balance as the server has them now (also after 今天已经签到过了).
      await this.load();
    },

    /** Synchronous up to `wx.requestSubscribeMessage`: WeChat only shows it straight from a tap. */
    remind() {
      const id = this.data.templates?.coupon_issued;
      if (!id) {
        void wx.showToast({ title: '提醒暂不可用，请稍后再试', icon: 'none' });
        return;
      }
      wx.requestSubscribeMessage({
        tmplIds: [id],
        success: (res) => {
          if ((res as unknown as Record<string, string>)[id] !== 'accept') {
            void wx.showToast({ title: '未开启提醒', icon: 'none' });
            return;
          }
          recordMessageConsent(['coupon_issued']).then(
            () => {
              this.setData({ reminded: true });
              void wx.showToast({ title: '已开启提醒', icon: 'success' });
            },
            (err: unknown) => void wx.showToast({ title: messageOf(err), icon: 'none' }),
          );
        },
        fail: () => void wx.showToast({ title: '未开启提醒', icon: 'none' }),
      });
    },

    openPoints() {
      openPage(PAGES.points);
    },
    openCoupons() {
      openPage(PAGES.couponCentre);
    },
  },
});
