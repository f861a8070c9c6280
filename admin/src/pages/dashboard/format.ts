import type { Ratio, RfmSegment } from '../../../../typings/admin-figures';
import { yuan } from '../../utils/money';

/** Shared by the figures, finance, customers and campaign pages (none of it loads a chart). */
export { RFM_SEGMENTS } from '../../../../typings/labels';

/** What each segment means, for the filter's and the campaign form's hints (R/F/M high or low against the average). */
export const SEGMENT_HINTS: Record<RfmSegment, string> = {
  重要价值客户: '最近买过、常买、花得多',
  重要发展客户: '最近买过、花得多，但买得少',
  重要保持客户: '常买、花得多，但有段时间没来',
  重要挽留客户: '花得多，但买得少且久未回购',
  一般价值客户: '最近买过、常买，花得少',
  一般发展客户: '最近买过，买得少、花得少',
  一般保持客户: '常买，但花得少且有段时间没来',
  一般挽留客户: '买得少、花得少且久未回购',
};

export function segmentTheme(segment: RfmSegment): 'primary' | 'warning' | 'default' {
  if (segment.startsWith('重要')) return segment.endsWith('挽留客户') ? 'warning' : 'primary';
  return 'default';
}

/** A money ratio (fen over a count) as yuan rounded to the fen, "—" when nothing was counted. */
export function ratioYuan(ratio: Ratio): string {
  return ratio.denominator === 0 ? '—' : yuan(Math.round(ratio.numerator / ratio.denominator));
}

/** A count ratio (e.g. orders per buyer) with two decimals, "—" when nothing was counted. */
export function ratioNumber(ratio: Ratio): string {
  return ratio.denominator === 0 ? '—' : (ratio.numerator / ratio.denominator).toFixed(2);
}

/** Shoppers' names and ids are personal data: the lists show enough to tell them apart, not to identify them. */
export function maskNickname(nickname: string | null): string {
  if (!nickname) return '未设置昵称';
  const [first = ''] = Array.from(nickname);
  return `${first}**`;
}

export function maskOpenid(openid: string): string {
  return openid.length > 10 ? `${openid.slice(0, 4)}****${openid.slice(-4)}` : `${openid.slice(0, 2)}****`;
}
