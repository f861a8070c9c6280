import { isTab } from './pages';

/** Opens a page: a tab with `switchTab` (which takes no query), any other with `navigateTo`. */
export function openPage(url: string): void {
  const path = url.split('?')[0] ?? url;
  const fail = () => void wx.showToast({ title: '页面暂未开放', icon: 'none' });
  if (isTab(path)) wx.switchTab({ url: path, fail });
  else wx.navigateTo({ url, fail });
}
