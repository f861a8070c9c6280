import { MAX_MESSAGE_CONSENTS, MESSAGE_KINDS, type MessageConsents, type MessageKind } from '../../../typings/user.js';
import { MESSAGE_CONSENTS, type MessageConsentDoc } from '../model/marketing.js';
import { _, db } from './db.js';
import { isDuplicateKey } from './transactions.js';

/**
 * Which shoppers agreed to which subscribe messages: WeChat lets the mini-program send one message per acceptance of
 * `wx.requestSubscribeMessage`, so each acceptance is one credit, spent by a send. `_id` is `openid:kind`. Only
 * marketing (the 优惠券到账 message of a win-back campaign) spends credits: it goes only to those who agreed.
 */

const consents = () => db.collection<MessageConsentDoc>(MESSAGE_CONSENTS);
const idOf = (openid: string, kind: MessageKind) => `${openid}:${kind}`;

/** One more credit for each kind accepted (at most MAX_MESSAGE_CONSENTS kept); answers the credits per kind. */
export async function recordConsents(openid: string, accepted: MessageKind[], now: Date): Promise<MessageConsents> {
  await Promise.all([...new Set(accepted)].map((kind) => addCredit(openid, kind, now)));
  const held = (await consents().where({ openid }).limit(MESSAGE_KINDS.length).get()).data;
  const credits = Object.fromEntries(MESSAGE_KINDS.map((kind) => [kind, 0])) as MessageConsents;
  for (const doc of held) credits[doc.kind] = doc.credits;
  return credits;
}

async function addCredit(openid: string, kind: MessageKind, now: Date): Promise<void> {
  const _id = idOf(openid, kind);
  try {
    await consents().add({ data: { _id, openid, kind, credits: 1, updatedAt: now } });
    return;
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
  }
  await consents()
    .where({ _id, credits: _.lt(MAX_MESSAGE_CONSENTS) })
    .update({ data: { credits: _.inc(1), updatedAt: now } });
}

/** Spends one credit of the shopper's for this kind; false (nothing changed) when they have none. Atomic. */
export async function takeConsent(openid: string, kind: MessageKind, now: Date): Promise<boolean> {
  const taken = await consents()
    .where({ _id: idOf(openid, kind), credits: _.gt(0) })
    .update({ data: { credits: _.inc(-1), updatedAt: now } });
  return taken.stats.updated === 1;
}

/** Gives a credit back: the send it was taken for was refused, so WeChat did not spend the acceptance. */
export async function returnConsent(openid: string, kind: MessageKind, now: Date): Promise<void> {
  await consents()
    .doc(idOf(openid, kind))
    .update({ data: { credits: _.inc(1), updatedAt: now } });
}
