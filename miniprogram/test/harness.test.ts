import test from 'ava';
import { type MiniProgram, startMiniProgram } from '../../testkit/miniprogram.js';

// The harness's stand-ins for WeChat's own APIs behave as WeChat documents them, and what they touch is real.
let mp: MiniProgram;
test.before(async () => {
  mp = await startMiniProgram({ only: ['product'] });
});
test.after.always(() => mp.close());

type Rec = Record<string, any>;
const wx = () => (globalThis as Rec).wx as Rec;

test.serial('chooseMedia hands over real files; cloud.uploadFile puts them in the emulator’s storage', async (t) => {
  mp.willChooseImages(2);
  const chosen = (await wx().chooseMedia({ count: 9, mediaType: ['image'] })) as Rec;
  t.is(chosen.tempFiles.length, 2);
  const uploaded = (await wx().cloud.uploadFile({
    cloudPath: 'reviews/test/a.png',
    filePath: chosen.tempFiles[0].tempFilePath,
  })) as Rec;
  t.regex(uploaded.fileID, /^cloud:\/\/.+\/reviews\/test\/a\.png$/);
  const stored = ((await mp.shop.control('GET', '/storage')).files as Rec[]).map((f) => f.fileID);
  t.true(stored.includes(uploaded.fileID));
  await t.throwsAsync(
    () => wx().chooseMedia({ count: 1 }),
    { message: /chooseMedia:fail cancel/ },
    'nothing left: the shopper cancels',
  );
});

test.serial('privacy: a sensitive API waits for the page’s agreement popup, and fails when the shopper disagrees', async (t) => {
  mp.needPrivacyAuthorization(true);
  let answer: 'agree' | 'disagree' = 'disagree';
  const asked: string[] = [];
  wx().onNeedPrivacyAuthorization((resolve: (r: { event: string }) => void, info: Rec) => {
    asked.push(String(info.referrer));
    resolve({ event: answer });
  });
  mp.willChooseImages(1);
  await t.throwsAsync(() => wx().chooseMedia({ count: 1 }), { message: /privacy permission is not authorized/ });
  t.true(mp.privacyNeeded);
  answer = 'agree';
  const chosen = (await wx().chooseMedia({ count: 1 })) as Rec;
  t.is(chosen.tempFiles.length, 1);
  t.false(mp.privacyNeeded, 'agreed once, not asked again');
  t.deepEqual(asked, ['chooseMedia', 'chooseMedia']);
});

test.serial('modals, subscriptions and the clipboard answer as the test says and are recorded', async (t) => {
  mp.answerModals(false);
  t.like(await wx().showModal({ title: '确认取消订单？', content: '取消后不可恢复' }), { confirm: false, cancel: true });
  t.deepEqual(mp.modals.at(-1), { title: '确认取消订单？', content: '取消后不可恢复' });
  mp.answerModals(true);
  t.like(await wx().requestSubscribeMessage({ tmplIds: ['A', 'B'] }), { A: 'accept', B: 'accept' });
  mp.answerSubscriptions('reject');
  t.like(await wx().requestSubscribeMessage({ tmplIds: ['A'] }), { A: 'reject' });
  t.deepEqual(mp.subscriptions, [['A', 'B'], ['A']]);
  await wx().setClipboardData({ data: 'INVITE42' });
  t.deepEqual(mp.clipboard, ['INVITE42']);
});
