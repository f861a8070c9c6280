import { createApp } from 'vue';
import App from './App.vue';
import { setClientHooks } from './api/client';
import { forget, session } from './api/session';
import { requestVerification } from './api/verification';
import { router } from './router';
import 'tdesign-vue-next/es/style/index.css';
import './styles.css';

setClientHooks({
  csrfToken: () => session.csrfToken,
  unauthenticated: (message) => {
    const wasSignedIn = session.me !== undefined;
    forget(wasSignedIn ? `${message}（登录已过期，请重新登录）` : undefined);
    const here = router.currentRoute.value;
    if (!here.meta.public) void router.replace({ name: 'login', query: { redirect: here.fullPath } });
  },
  verify: requestVerification,
});

createApp(App).use(router).mount('#app');
