/**
 * WeChat's privacy guide (app.json `__usePrivacyCheck__`): before a privacy-sensitive API (avatar, address, photos,
 * clipboard) WeChat asks the page's popup (components/privacy-popup) for the shopper's agreement.
 */

/** The error WeChat gives a sensitive API the shopper did not agree to (errno 104). */
export function isPrivacyRefusal(err: unknown): boolean {
  const { errMsg = '', errno, errCode } = (err ?? {}) as { errMsg?: string; errno?: number; errCode?: number };
  return errno === 104 || errCode === 104 || /privacy permission is not authorized/.test(errMsg);
}

/**
 * Resolves true once the shopper has agreed (at once when they already had), false when they refuse. A page calls it
 * before work that uses what a sensitive component handed over (the avatar picker's file), so a refusal stops it.
 */
export function requirePrivacy(): Promise<boolean> {
  // Base library before 2.32.3: no privacy check.
  if (typeof wx.requirePrivacyAuthorize !== 'function') return Promise.resolve(true);
  return new Promise((resolve, reject) => {
    wx.requirePrivacyAuthorize({
      success: () => resolve(true),
      fail: (err) => (isPrivacyRefusal(err) ? resolve(false) : reject(new Error(err.errMsg))),
    });
  });
}
