import { flushEvents, trackPageView } from '../services/tracker';

/**
 * Counts the page's views for the back office: a `page_view` each time it shows, and the queued events sent when it
 * hides or closes (services/tracker.ts). `pageLifetimes` and `detached` run beside a page's own onShow, onHide and
 * onUnload, which would otherwise override a behavior's methods of the same name.
 */
export function pageView(route: string): WechatMiniprogram.Behavior.Identifier {
  return Behavior({
    pageLifetimes: {
      show() {
        trackPageView(route);
      },
      hide() {
        void flushEvents();
      },
    },
    lifetimes: {
      detached() {
        void flushEvents();
      },
    },
  });
}
