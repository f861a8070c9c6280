import type { EmulatorHost } from '../host.js';
import { PAGE_SCRIPT } from './page-script.js';
import { PAGE_STYLE } from './page-style.js';

/**
 * The emulator's web UI at `/`, in the spirit of Firebase's Emulator UI: one self-contained page (inline CSS and
 * vanilla JS, nothing fetched from the network) over the JSON control APIs the services expose under `/__emulator`.
 * Registering `GET /` replaces the server's built-in status page. Install `installDataApi` too: the database tab
 * uses its `/__emulator/collections` routes.
 */
export function renderWebUi(): string {
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>CloudBase 本地模拟器</title>
<style>${PAGE_STYLE}</style></head>
<body>
<header><h1>CloudBase 本地模拟器</h1><span class="env" id="env"></span><nav id="tabs"></nav><span class="live" id="live">加载中…</span></header>
<main id="views"></main>
<noscript>此页面需要启用 JavaScript。</noscript>
<script>${PAGE_SCRIPT}</script>
</body></html>`;
}

export function installWebUi(host: EmulatorHost): void {
  const page = renderWebUi();
  const body = Buffer.from(page, 'utf8');
  host.addRoute('GET', '/', (_req, res) => {
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'content-length': body.length,
      'cache-control': 'no-store',
      // Everything is inline and served from here; nothing else may load or run.
      'content-security-policy': "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src 'self' data:; connect-src 'self'",
      'x-content-type-options': 'nosniff',
    });
    res.end(body);
  });
}
