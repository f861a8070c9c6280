import {
  MessageConsentInput,
  type MessageConsents,
  type MessageTemplates,
  MessageTemplatesInput,
} from '../../../typings/user.js';
import { messageTemplates } from '../../shared/platform/subscribe-messages.js';
import { route } from '../../shared/platform/route.js';
import { recordConsents } from '../../shared/store/message-consents.js';

/** The template ids the mini-program asks the shopper to accept (`wx.requestSubscribeMessage`). */
export const templates = route(MessageTemplatesInput, (): Promise<MessageTemplates> => Promise.resolve(messageTemplates()));

/** The kinds the shopper just accepted: one send each (store/message-consents.ts). */
export const consent = route(MessageConsentInput, ({ accepted }, ctx): Promise<MessageConsents> =>
  recordConsents(ctx.openid, accepted, ctx.now),
);
