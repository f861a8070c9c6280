import type { AdminPermission } from '../../typings/admin-access';

declare module 'vue-router' {
  interface RouteMeta {
    title?: string;
    /** What the page needs (nav.ts); absent: any signed-in merchant. */
    permission?: AdminPermission;
    /** Open without signing in (登录, 页面不存在). */
    public?: boolean;
  }
}
