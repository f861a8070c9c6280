/** The page at `/`: what is running and what the database holds. A plain page until the full UI arrives. */
export interface StatusView {
  envId: string;
  collections: Array<{ name: string; count: number; indexes: Array<{ name: string; unique: boolean }> }>;
  openTransactions: Array<{ id: string; startedAt: number; writes: number }>;
  requests: number;
  errors: number;
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function renderStatusPage(view: StatusView): string {
  const rows = view.collections
    .map((c) => {
      const indexes = c.indexes.map((i) => escape(i.name) + (i.unique ? ' (唯一)' : '')).join('<br>') || '—';
      return `<tr><td>${escape(c.name)}</td><td class="n">${c.count}</td><td>${indexes}</td></tr>`;
    })
    .join('');
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>CloudBase 本地模拟器</title>
<style>
body{font:14px/1.5 system-ui,-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;margin:2rem;color:#1f2329}
table{border-collapse:collapse;min-width:40rem}td,th{border-bottom:1px solid #e5e6eb;padding:.4rem .8rem;text-align:left;vertical-align:top}
.n{text-align:right;font-variant-numeric:tabular-nums}code{background:#f2f3f5;padding:0 .3rem;border-radius:3px}
</style></head><body>
<h1>CloudBase 本地模拟器</h1>
<p>环境 <code>${escape(view.envId)}</code> · 服务接口 <code>POST /admin</code>
· 请求 ${view.requests} 次，错误 ${view.errors} 次 · 进行中的事务 ${view.openTransactions.length} 个</p>
<h2>集合</h2>
<table><thead><tr><th>集合</th><th class="n">文档数</th><th>索引</th></tr></thead>
<tbody>${rows || '<tr><td colspan="3">暂无集合</td></tr>'}</tbody></table>
</body></html>`;
}
