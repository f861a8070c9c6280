import { createRouter, createWebHashHistory, type RouteComponent } from 'vue-router';
import { restore, session } from './api/session';
import { homePath, PAGES } from './nav';

/**
 * Hash routing (`/admin/#/orders/123`): static hosting has no rewrites, and a hash link reloads to the same page.
 * Every page but 登录 needs a signed-in merchant whose role grants the page's permission.
 */
export const router = createRouter({
  history: createWebHashHistory(),
  routes: [
    { path: '/login', name: 'login', component: () => import('./pages/SignInPage.vue'), meta: { public: true, title: '登录' } },
    {
      path: '/',
      component: () => import('./layouts/AdminLayout.vue'),
      children: [
        { path: '', name: 'home', redirect: () => homePath(session.me?.permissions ?? []) },
        ...PAGES.map((p) => ({
          path: p.path.slice(1),
          name: p.name,
          component: p.load as () => Promise<RouteComponent>,
          meta: { title: p.title, permission: p.permission },
        })),
      ],
    },
    {
      path: '/:rest(.*)*',
      name: 'not-found',
      component: () => import('./pages/NotFoundPage.vue'),
      meta: { public: true, title: '页面不存在' },
    },
  ],
});

router.beforeEach(async (to) => {
  if (to.meta.public) return true;
  if (!(await restore())) return { name: 'login', query: to.fullPath === '/' ? {} : { redirect: to.fullPath } };
  const permission = to.meta.permission;
  if (permission && !session.me!.permissions.includes(permission)) return homePath(session.me!.permissions);
  return true;
});

router.afterEach((to) => {
  document.title = `${to.meta.title ?? '管理后台'} · 商城管理后台`;
});
