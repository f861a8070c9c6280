import type { MessageConsents, MessageKind, MessageTemplates } from '../../typings/user';
import { call } from './call';

/** The template id of each subscribe message, for `wx.requestSubscribeMessage`. */
export function fetchMessageTemplates(): Promise<MessageTemplates> {
  return call('user', 'messages.templates');
}

/** Records the kinds the shopper accepted in `wx.requestSubscribeMessage`. */
export function recordMessageConsent(accepted: MessageKind[]): Promise<MessageConsents> {
  return call('user', 'messages.consent', { accepted });
}

/**
 * Asks the shopper to subscribe to `kinds` and records what was accepted (`messages.consent`). WeChat shows the sheet
 * only from a tap: call this synchronously in the tap handler, before anything is awaited (the request leaves before
 * this function's first `await`). Never throws: a refused or failed request just sends nothing.
 */
export async function askForMessages(templates: MessageTemplates, kinds: MessageKind[]): Promise<MessageKind[]> {
  const ids = kinds.map((kind) => templates[kind]).filter(Boolean);
  if (!ids.length) return [];
  try {
    const answer = (await wx.requestSubscribeMessage({ tmplIds: ids })) as unknown as Record<string, string>;
    const accepted = kinds.filter((kind) => answer[templates[kind]] === 'accept');
    if (accepted.length) await recordMessageConsent(accepted);
    return accepted;
  } catch {
    return [];
  }
}
