/**
 * <privacy-popup>: our own popup for WeChat's privacy guide (app.json `__usePrivacyCheck__`). While the shopper has not
 * agreed to the guide, WeChat holds every privacy-sensitive API (the avatar picker, `wx.chooseAddress`,
 * `wx.chooseMedia`, the clipboard…) and calls the `wx.onNeedPrivacyAuthorization` listener; this component registers
 * it when attached, shows the popup on the page on screen, and answers WeChat: 同意 (a button with
 * `open-type="agreePrivacyAuthorization"`) lets the API go on, 拒绝 makes it fail with errno 104.
 *
 * To use it on a page that calls a sensitive API (photo pages too):
 *   1. the page's json: `"privacy-popup": "/components/privacy-popup/index"`;
 *   2. the page's wxml, once, anywhere: `<privacy-popup />`;
 *   3. treat the API's failure after 拒绝 as the shopper's choice, not an error: `isPrivacyRefusal(err)` from
 *      services/privacy.ts (a toast at most). To ask before work that uses what a sensitive component handed over
 *      (the avatar picker's file), `await requirePrivacy()` there; it resolves false on 拒绝.
 * `bind:agree` / `bind:disagree` tell the page the answer, if it wants to know.
 */

type PrivacyAnswer = { event: 'agree'; buttonId: string } | { event: 'disagree' };
type Resolve = (answer: PrivacyAnswer) => void;

export const AGREE_BUTTON_ID = 'privacy-agree';
const DEFAULT_CONTRACT = '《用户隐私保护指引》';

interface Popup {
  open(resolve: Resolve): void;
}

/** Popups of the pages alive, the one on screen last: WeChat's one listener hands each request to it. */
const popups: Popup[] = [];
/** The answers WeChat waits for, by popup. */
const waiting = new WeakMap<Popup, Resolve[]>();

function onNeedPrivacyAuthorization(resolve: Resolve): void {
  const popup = popups[popups.length - 1];
  if (popup) popup.open(resolve);
  else resolve({ event: 'disagree' }); // no page can ask: the API fails, as without a listener
}

function register(): void {
  if (typeof wx.onNeedPrivacyAuthorization !== 'function') return; // base library before 2.32.3
  // The typings describe the listener's argument wrongly (a result, not WeChat's resolve function).
  wx.onNeedPrivacyAuthorization(onNeedPrivacyAuthorization as unknown as WechatMiniprogram.OnNeedPrivacyAuthorizationCallback);
}

function answer(popup: Popup, reply: PrivacyAnswer): void {
  const resolves = waiting.get(popup) ?? [];
  waiting.set(popup, []);
  for (const resolve of resolves) resolve(reply);
}

Component({
  data: { shown: false, contractName: DEFAULT_CONTRACT, agreeId: AGREE_BUTTON_ID },
  lifetimes: {
    attached() {
      popups.push(this);
      waiting.set(this, []);
      register();
    },
    detached() {
      const at = popups.indexOf(this);
      if (at >= 0) popups.splice(at, 1);
      // A page closed while WeChat waited: the API fails rather than hanging.
      answer(this, { event: 'disagree' });
    },
  },
  pageLifetimes: {
    show() {
      // The page coming back on screen takes the requests again, and the listener, should another page's component
      // have registered its own since (WeChat keeps the last one).
      const at = popups.indexOf(this);
      if (at >= 0 && at !== popups.length - 1) popups.push(...popups.splice(at, 1));
      register();
    },
  },
  methods: {
    open(resolve: Resolve) {
      waiting.set(this, [...(waiting.get(this) ?? []), resolve]);
      this.setData({ shown: true });
      wx.getPrivacySetting?.({
        success: (res) => {
          if (res.privacyContractName) this.setData({ contractName: res.privacyContractName });
        },
      });
    },
    /** WeChat fires `agreeprivacyauthorization` once it recorded the tap on the 同意 button. */
    agree() {
      this.setData({ shown: false });
      answer(this, { event: 'agree', buttonId: AGREE_BUTTON_ID });
      this.triggerEvent('agree');
    },
    disagree() {
      this.setData({ shown: false });
      answer(this, { event: 'disagree' });
      this.triggerEvent('disagree');
    },
    openContract() {
      wx.openPrivacyContract?.({});
    },
    /** Keeps the page below from scrolling while the popup is up. */
    noop() {},
  },
});
