import { api } from './api.js';
import { renderCall } from './call.js';
import { renderDatabase } from './database.js';
import { byId } from './dom.js';
import { renderInvocations } from './invocations.js';
import { renderOverview } from './overview.js';
import { startPage } from './page.js';
import { renderPay } from './pay.js';
import { renderOutbox, renderStorage, renderTimers } from './platform.js';
import type { Status } from './types.js';

/**
 * The emulator's web UI in the browser (bundled by ../app.ts): no framework, nothing fetched but the control API.
 * Each tab has a module with its render function.
 */
startPage([
  { id: 'overview', label: '概览', render: renderOverview },
  { id: 'database', label: '数据库', render: renderDatabase },
  { id: 'call', label: '调用函数', render: renderCall },
  { id: 'invocations', label: '调用记录', render: renderInvocations },
  { id: 'pay', label: '支付沙箱', render: renderPay },
  { id: 'outbox', label: '消息', render: renderOutbox },
  { id: 'timers', label: '定时器', render: renderTimers },
  { id: 'storage', label: '存储', render: renderStorage },
]);
api<Status>('GET', '/__emulator/status').then(
  (s) => {
    byId('env').textContent = '环境 ' + s.envId;
  },
  () => undefined,
);
