/**
 * The search page's history, kept on the phone (wx storage): most recent first, each keyword once, at most
 * MAX_SEARCH_HISTORY. Nothing of it leaves the phone.
 */

export const SEARCH_HISTORY_KEY = 'search.history';
export const MAX_SEARCH_HISTORY = 10;
/** `product.list` takes keywords of 1–50 characters. */
export const MAX_KEYWORD_LENGTH = 50;

/** The keyword as it is searched: trimmed, inner runs of white space as one space, at most MAX_KEYWORD_LENGTH. */
export function normalizeKeyword(raw: string): string {
  return raw.replace(/\s+/g, ' ').trim().slice(0, MAX_KEYWORD_LENGTH).trim();
}

/** The history with `keyword` on top: an earlier search of it moves up, the oldest beyond the limit drops off. */
export function withKeyword(history: readonly string[], keyword: string): string[] {
  const word = normalizeKeyword(keyword);
  if (!word) return [...history];
  return [word, ...history.filter((h) => h !== word)].slice(0, MAX_SEARCH_HISTORY);
}

/** What storage holds, or nothing when it holds something else (an older format, a failed write). */
export function readSearchHistory(): string[] {
  try {
    const stored: unknown = wx.getStorageSync(SEARCH_HISTORY_KEY);
    if (!Array.isArray(stored)) return [];
    return stored.filter((h): h is string => typeof h === 'string' && h.length > 0).slice(0, MAX_SEARCH_HISTORY);
  } catch {
    return [];
  }
}

/** Remembers a search; answers the history now. A storage failure costs only the history. */
export function rememberSearch(keyword: string): string[] {
  const history = withKeyword(readSearchHistory(), keyword);
  try {
    wx.setStorageSync(SEARCH_HISTORY_KEY, history);
  } catch {
    // the search itself goes on
  }
  return history;
}

export function clearSearchHistory(): void {
  try {
    wx.removeStorageSync(SEARCH_HISTORY_KEY);
  } catch {
    // nothing to keep either way
  }
}
