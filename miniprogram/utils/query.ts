/**
 * A page's query value as the page wants it: WeChat hands `onLoad` the values as they were written in the URL, so a
 * value `pageUrl` encoded arrives encoded (a link written by hand may not be: then it is taken as it is).
 */
export function queryValue(raw: string | undefined): string {
  if (!raw) return '';
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}
