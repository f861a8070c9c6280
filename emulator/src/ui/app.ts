import { fileURLToPath } from 'node:url';
import { type EmulatorHost, sendJson } from '../host.js';
import { PAGE_STYLE } from './page-style.js';

/**
 * The emulator's web UI at `/`, in the spirit of Firebase's Emulator UI: one page (inline CSS, and the TypeScript in
 * ./browser bundled for the browser) over the JSON control APIs the services expose under `/__emulator`; nothing is
 * fetched from the network. Registering `GET /` replaces the server's built-in status page. Install `installDataApi`
 * too: the database tab uses its `/__emulator/collections` routes.
 */
const SCRIPT_ROUTE = '/__emulator/ui/app.js';
const SCRIPT_ENTRY = fileURLToPath(new URL('./browser/main.ts', import.meta.url));
const ICON_ROUTE = '/__emulator/ui/favicon.svg';

/** A white cloud on WeChat green. */
const ICON = Buffer.from(
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#07c160"/>' +
    '<path fill="#fff" d="M10 23a5 5 0 0 1-.6-9.96A7 7 0 0 1 23 12.5 5.25 5.25 0 0 1 22.5 23z"/></svg>',
  'utf8',
);

const PAGE = Buffer.from(
  `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>CloudBase 本地模拟器</title>
<link rel="icon" type="image/svg+xml" href="${ICON_ROUTE}">
<style>${PAGE_STYLE}</style></head>
<body>
<header><h1>CloudBase 本地模拟器</h1><span class="env" id="env"></span><nav id="tabs"></nav>
<span class="live" id="live">加载中…</span><span class="zone" id="zone" title="支付沙箱不带时区的时间（如退款的 successTime）按北京时间解读">时间均为北京时间 (UTC+8)</span></header>
<main id="views"></main>
<noscript>此页面需要启用 JavaScript。</noscript>
<script src="${SCRIPT_ROUTE}"></script>
</body></html>`,
  'utf8',
);

let bundled: Promise<Buffer> | undefined;

/**
 * The browser script, bundled on first request and kept for the life of the process: emulators that never serve the
 * page never load esbuild. A failed build is not kept, so the next request tries again.
 */
function browserScript(): Promise<Buffer> {
  if (!bundled) {
    bundled = (async () => {
      const esbuild = await import('esbuild');
      const result = await esbuild.build({
        entryPoints: [SCRIPT_ENTRY],
        bundle: true,
        write: false,
        format: 'iife',
        platform: 'browser',
        target: 'es2020',
        charset: 'utf8',
        logLevel: 'silent',
      });
      return Buffer.from(result.outputFiles[0]!.contents);
    })();
    bundled.catch(() => {
      bundled = undefined;
    });
  }
  return bundled;
}

export function installWebUi(host: EmulatorHost): void {
  host.addRoute('GET', '/', (_req, res) => {
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'content-length': PAGE.length,
      'cache-control': 'no-store',
      // Everything comes from here; no inline script may run.
      'content-security-policy':
        "default-src 'self'; script-src 'self'; style-src 'unsafe-inline'; img-src 'self' data:; connect-src 'self'",
      'x-content-type-options': 'nosniff',
    });
    res.end(PAGE);
  });
  // `/favicon.ico` too: what a browser asks for when a page names no icon (the emulator's JSON pages).
  for (const route of [ICON_ROUTE, '/favicon.ico'])
    host.addRoute('GET', route, (_req, res) => {
      res.writeHead(200, {
        'content-type': 'image/svg+xml',
        'content-length': ICON.length,
        'cache-control': 'max-age=86400',
        'x-content-type-options': 'nosniff',
      });
      res.end(ICON);
    });
  host.addRoute('GET', SCRIPT_ROUTE, async (_req, res) => {
    let script: Buffer;
    try {
      script = await browserScript();
    } catch (err) {
      console.error('[emulator] the web UI script did not build', err);
      return sendJson(res, 500, { code: 'UI_BUILD_FAILED', message: (err as Error).message });
    }
    res.writeHead(200, {
      'content-type': 'text/javascript; charset=utf-8',
      'content-length': script.length,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    });
    res.end(script);
  });
}
