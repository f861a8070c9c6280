import type { RfmSegment } from '../../../typings/admin-figures.js';
import type { MessageKind } from '../../../typings/user.js';

/**
 * Reaching shoppers: who agreed to which subscribe messages (store/message-consents.ts) and the win-back campaigns
 * sent to RFM segments (workflows/win-back.ts, store/win-back-campaigns.ts).
 */
export const MESSAGE_CONSENTS = 'message_consents';
export const WIN_BACK_CAMPAIGNS = 'win_back_campaigns';

/** One shopper's acceptances of one message kind, each good for one send; `_id` is `openid:kind`. */
export interface MessageConsentDoc {
  _id: string;
  openid: string;
  kind: MessageKind;
  credits: number;
  updatedAt: Date;
}

/** A coupon template issued to an RFM segment; its coupons carry `campaignId`, so their use can be followed. */
export interface WinBackCampaignDoc {
  _id: string;
  segment: RfmSegment;
  templateId: string;
  couponName: string;
  /** The acting staff member or merchant (audit actor id and name). */
  actorId: string;
  actorName: string;
  createdAt: Date;
  status: 'running' | 'done';
  finishedAt?: Date;
  customers: number;
  issued: number;
  skipped: Record<string, number>;
  sent: number;
  notSent: Record<string, number>;
}
