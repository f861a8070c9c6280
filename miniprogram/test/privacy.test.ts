import test from 'ava';
import { type MiniProgram, type RenderedPage, startMiniProgram, tap, text, waitFor } from '../../testkit/miniprogram.js';

// WeChat's privacy flow (app.json `__usePrivacyCheck__`) with our own popup (components/privacy-popup): while the
// shopper has not agreed (`mp.needPrivacyAuthorization(true)`), a sensitive step waits for the popup's 同意 or 拒绝;
// and the 隐私政策 page.

let mp: MiniProgram;

test.before(async () => {
  mp = await startMiniProgram({ only: ['user'] });
});

test.after.always(async () => {
  mp?.needPrivacyAuthorization(false);
  await mp?.close();
});

type Rec = Record<string, any>;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const openProfile = (): Promise<RenderedPage> => mp.renderLoaded('pages/mine/profile/index');

const popupShown = (page: RenderedPage) => page.has('.privacy-popup >>> .privacy');

/** The shopper taps 同意: WeChat records it and fires the button's agreeprivacyauthorization event. */
function agree(page: RenderedPage): void {
  page.find('.privacy-popup >>> #privacy-agree').dispatchEvent('agreeprivacyauthorization');
}

test.serial('拒绝 in the popup stops the avatar upload; 同意 lets it go on and is not asked again', async (t) => {
  const openid = 'o-privacy-avatar';
  mp.signInAs(openid);
  const page = await openProfile();
  t.false(popupShown(page), 'no popup before anything sensitive');
  mp.needPrivacyAuthorization(true);
  const uploads = mp.uploads.length;

  page.find('.avatar').dispatchEvent('chooseavatar', { detail: { avatarUrl: mp.imageFile() } });
  await waitFor('the privacy popup', () => popupShown(page));
  t.is(text(page.find('.privacy-popup >>> .privacy__title')), '用户隐私保护提示');
  t.is(
    text(page.find('.privacy-popup >>> .privacy__link')),
    '《云开发小店隐私保护指引》',
    'the contract’s name from getPrivacySetting',
  );
  t.deepEqual(page.findAll('.privacy-popup >>> .privacy__button').map(text), ['拒绝', '同意']);
  await tap(page.find('.privacy-popup >>> .privacy__disagree'));
  await waitFor('the refusal', () => mp.toasts.at(-1) === '未同意隐私保护指引，头像未更换');
  t.false(popupShown(page));
  t.is(mp.uploads.length, uploads, 'nothing uploaded');
  t.is(page.data.avatarUrl, '');
  t.is((await mp.shop.db.collection('users').doc(openid).get()).data[0].avatarUrl, null);
  t.true(mp.privacyNeeded);

  page.find('.avatar').dispatchEvent('chooseavatar', { detail: { avatarUrl: mp.imageFile() } });
  await waitFor('the privacy popup again', () => popupShown(page));
  t.is(mp.uploads.length, uploads, 'still waiting for the answer');
  agree(page);
  await waitFor('the avatar', () => page.data.avatarUrl);
  t.false(popupShown(page));
  t.false(mp.privacyNeeded);
  t.is(mp.uploads.length, uploads + 1);
  const { fileID } = mp.uploads.at(-1)!;
  t.is((await mp.shop.db.collection('users').doc(openid).get()).data[0].avatarUrl, fileID);
  const stored = ((await mp.shop.control('GET', '/storage')).files as Rec[]).map((f) => f.fileID);
  t.true(stored.includes(fileID));

  // Agreed once: the next avatar goes straight up.
  page.find('.avatar').dispatchEvent('chooseavatar', { detail: { avatarUrl: mp.imageFile() } });
  await waitFor('the second upload', () => mp.uploads.length === uploads + 2);
  t.false(popupShown(page));
  page.detach();
});

test.serial('the popup of the page on screen answers; a page closed while WeChat waits refuses', async (t) => {
  mp.signInAs('o-privacy-pages');
  const below = await openProfile();
  const above = mp.renderPage('pages/mine/address-edit/index');
  mp.needPrivacyAuthorization(true);
  try {
    const wx = (globalThis as Rec).wx as Rec;
    const asked = new Promise<string>((resolve) =>
      wx.requirePrivacyAuthorize({ success: () => resolve('agreed'), fail: () => resolve('refused') }),
    );
    await waitFor('the popup on the page above', () => popupShown(above));
    t.false(popupShown(below));
    above.detach();
    t.is(await asked, 'refused', 'the closed page’s pending request fails rather than hanging');

    // Back on the profile page, which takes the requests again.
    below.show();
    const again = new Promise<string>((resolve) =>
      wx.requirePrivacyAuthorize({ success: () => resolve('agreed'), fail: () => resolve('refused') }),
    );
    await waitFor('the popup on the page below', () => popupShown(below));
    agree(below);
    t.is(await again, 'agreed');
    await sleep(20);
    t.false(popupShown(below));
  } finally {
    mp.needPrivacyAuthorization(false);
    below.detach();
  }
});

test.serial(
  '隐私政策 says what is collected, why, for how long and the shopper’s rights, and opens WeChat’s guide',
  async (t) => {
    const page = mp.renderPage('pages/mine/privacy/index');
    const titles = page.findAll('.clause__title').map(text);
    t.deepEqual(titles, ['一、我们收集哪些信息', '二、我们如何使用这些信息', '三、保存期限', '四、您的权利', '五、信息安全']);
    const all = text(page.root);
    for (const phrase of [
      'openid',
      '昵称和头像',
      '加密保存',
      '订单信息',
      '照片',
      '保存期限',
      '删除',
      '撤回',
      '只收集它需要的信息',
    ]) {
      t.true(all.includes(phrase), phrase);
    }
    const wx = (globalThis as Rec).wx as Rec;
    const original = wx.openPrivacyContract;
    let opened = 0;
    wx.openPrivacyContract = (opts: Rec) => {
      opened++;
      return original(opts);
    };
    try {
      await tap(page.find('.policy__contract'));
      t.is(opened, 1);
    } finally {
      wx.openPrivacyContract = original;
    }
    page.detach();
  },
);
