import { messageOf } from '../services/errors';

/** A page that reads what it shows with `load(keep)`; `keep` leaves what is shown on screen while it reloads. */
interface Loading {
  data: { status: string };
  setData(patch: Record<string, unknown>): void;
  load(keep?: boolean): Promise<void>;
}

/**
 * What pages read with `load(keep)` share: 重新加载 (`retry`) loads from scratch; a pull-down refresh and a countdown
 * reaching zero (`onCountdownFinish`: a sale or group started or ended) load again with what is shown kept on screen.
 * A page's own method of the same name wins.
 */
export const reloadable = Behavior({
  methods: {
    retry(this: Loading) {
      void this.load();
    },
    async onPullDownRefresh(this: Loading) {
      await this.load(true);
      void wx.stopPullDownRefresh();
    },
    onCountdownFinish(this: Loading) {
      void this.load(true);
    },
  },
});

const shownOnce = new WeakSet<object>();

/**
 * Pages that change behind the shopper's back (an order paid, cancelled or reviewed on another page): shown again,
 * they load again, keeping what is shown until the answer comes. The first show is the page's own `onLoad`'s.
 */
export const reloadWhenShownAgain = Behavior({
  pageLifetimes: {
    show(this: Loading) {
      if (shownOnce.has(this)) void this.load(true);
      else shownOnce.add(this);
    },
  },
});

/**
 * A page's load: 加载中 first, unless `keep` and the page is shown (a refresh leaves it on screen); then `work`, which
 * shows what it read. A failure shows the route's message with 重新加载, or only a toast over a page still shown.
 */
export async function loadShown(page: Omit<Loading, 'load'>, keep: boolean, work: () => Promise<void>): Promise<void> {
  if (!keep || page.data.status !== 'ready') page.setData({ status: 'loading' });
  try {
    await work();
  } catch (err) {
    if (keep && page.data.status === 'ready') void wx.showToast({ title: messageOf(err), icon: 'none' });
    else page.setData({ status: 'error', errorMessage: messageOf(err) });
  }
}
