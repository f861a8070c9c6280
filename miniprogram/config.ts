/**
 * Where the app's calls go: the one switch between the local emulator and CloudBase (miniprogram/README.md).
 *
 * `DEVELOP_BACKEND` applies to the 开发版 only (WeChat DevTools and its previews): `'local'` sends every call to the
 * emulator of `npm start` with `wx.request` (turn off DevTools' domain check: 详情 → 本地设置 → 不校验合法域名), as the
 * development shopper `LOCAL_EMULATOR.openid`; `'cloud'` uses `wx.cloud.callFunction` on your environment. 体验版 and
 * 正式版 always use the cloud.
 */
export type Backend = 'cloud' | 'local';

export const DEVELOP_BACKEND: Backend = 'local';

export const LOCAL_EMULATOR = {
  /** `npm start` listens here (`npm start -- --port N` changes it). */
  url: 'http://127.0.0.1:8787',
  /** The development shopper every local call is made as (any openid is a shopper signed in with WeChat). */
  openid: 'o-demo-shopper',
} as const;

/** The CloudBase environment id; empty for the environment chosen in DevTools (云开发 → 环境). */
export const CLOUD_ENV = '';

export function backend(): Backend {
  return wx.getAccountInfoSync().miniProgram.envVersion === 'develop' ? DEVELOP_BACKEND : 'cloud';
}
