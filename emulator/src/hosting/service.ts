import fs from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { type EmulatorHost, sendJson } from '../host.js';
import {
  BadPath,
  acceptsGzip,
  cacheControlOf,
  containedFile,
  contentTypeOf,
  countFiles,
  etagMatches,
  etagOf,
  isCompressible,
  isDirectory,
  segmentsOf,
} from './files.js';

/**
 * CloudBase static website hosting (静态网站托管): a folder's files served under their paths on the emulator's own
 * origin, so a page and the HTTP access routes it calls (`/api/admin`) are same-origin, as they are on one CloudBase
 * domain. Files are read at request time: a rebuild shows without a restart.
 *
 * As on CloudBase: a directory path answers its index document (`/admin/` → `admin/index.html`; `/admin` redirects to
 * `/admin/`), a missing file answers the error document when one is set, nothing is ever listed. The folder is what
 * the bucket holds under `prefix`: `/admin/` served from build/admin is `admin/` on CloudBase.
 *
 * It is the server's last resort (`addFallback`): every route of every other service (the HTTP access routes, the
 * functions gateway, the control API, the web UI at `/`) keeps precedence, as a more specific route does on CloudBase.
 */
export interface HostingOptions {
  /** The folder served; it may not exist yet (then every path is missing until it is built). */
  dir: string;
  /** The URL path the folder is served under, starting and ending with `/` (default `/`: paths nothing else claims). */
  prefix?: string;
  /** What a directory path answers (CloudBase's 索引文档; default `index.html`). */
  indexDocument?: string;
  /**
   * What a missing path answers (CloudBase's 错误文档), relative to `dir`: `index.html` lets a single-page app's deep
   * links load the app. Unset: a plain 404.
   */
  errorDocument?: string;
  /** The status the error document is sent with (default 404, as CloudBase's error document; 200 for a pure SPA). */
  errorStatus?: number;
}

/** Paths the emulator answers itself: a prefix under them would never be reached or would shadow the control API. */
const RESERVED = /^\/(__emulator|__storage|functions)(\/|$)/;

export function normalizePrefix(prefix: string | undefined): string {
  const p = prefix ?? '/';
  const withSlash = `${p.startsWith('/') ? '' : '/'}${p}${p.endsWith('/') ? '' : '/'}`;
  if (!/^\/([A-Za-z0-9._~-]+\/)*$/.test(withSlash) || /\/\.{1,2}\//.test(withSlash))
    throw new Error(`static hosting prefix must be a path like /admin/ (letters, digits, . _ ~ -), got ${JSON.stringify(p)}`);
  if (RESERVED.test(withSlash))
    throw new Error(`static hosting cannot be served under ${withSlash}: the emulator uses that path`);
  return withSlash;
}

/** Gzipped bodies by file, size and time, so a file is compressed once per version; bounded, oldest out first. */
const GZIP_CACHE_BYTES = 32 * 1024 * 1024;
/** Below this, gzip saves too little to be worth it (CDNs have a similar floor). */
const GZIP_MIN_BYTES = 1024;
/** Bigger files are streamed, uncompressed, instead of read into memory. */
const BUFFER_MAX_BYTES = 16 * 1024 * 1024;
const gzip = promisify(zlib.gzip);

export interface HostingDescription {
  enabled: boolean;
  dir?: string;
  prefix?: string;
  url?: string;
  indexDocument?: string;
  errorDocument?: string | null;
  errorStatus?: number;
  /** Whether the folder exists now. */
  exists?: boolean;
  files?: number;
  bytes?: number;
}

/**
 * Installs static hosting for `options` (nothing but the control route when undefined): `GET /__emulator/hosting`
 * describes what is served.
 */
export function installHosting(options: HostingOptions | undefined) {
  return (host: EmulatorHost): void => {
    const site = options && {
      dir: path.resolve(options.dir),
      prefix: normalizePrefix(options.prefix),
      indexDocument: options.indexDocument ?? 'index.html',
      errorDocument: options.errorDocument,
      errorStatus: options.errorStatus ?? 404,
    };
    host.addRoute('GET', '/__emulator/hosting', (_req, res) => {
      const described: HostingDescription = site
        ? {
            enabled: true,
            dir: site.dir,
            prefix: site.prefix,
            url: `${host.baseUrl()}${site.prefix}`,
            indexDocument: site.indexDocument,
            errorDocument: site.errorDocument ?? null,
            errorStatus: site.errorStatus,
            exists: isDirectory(site.dir),
            ...countFiles(site.dir),
          }
        : { enabled: false };
      sendJson(res, 200, described);
    });
    if (!site) return;
    if (site.indexDocument.includes('/') || site.indexDocument.startsWith('.'))
      throw new Error(`the index document is a file name, got ${site.indexDocument}`);
    const errorFile = site.errorDocument === undefined ? undefined : resolveInside(site.dir, site.errorDocument);
    const gzipCache = new Map<string, Buffer>();
    let gzipCacheBytes = 0;

    async function gzipped(file: string, stat: fs.Stats, body: Buffer): Promise<Buffer> {
      const key = `${file}\n${stat.size}\n${stat.mtimeMs}`;
      const cached = gzipCache.get(key);
      if (cached) return cached;
      const zipped = await gzip(body);
      gzipCache.set(key, zipped);
      gzipCacheBytes += zipped.length;
      for (const [k, v] of gzipCache) {
        if (gzipCacheBytes <= GZIP_CACHE_BYTES) break;
        gzipCache.delete(k);
        gzipCacheBytes -= v.length;
      }
      return zipped;
    }

    async function sendFile(
      req: http.IncomingMessage,
      res: http.ServerResponse,
      found: { file: string; stat: fs.Stats },
      status = 200,
    ): Promise<void> {
      const { file, stat } = found;
      const contentType = contentTypeOf(file);
      const compressible = isCompressible(contentType);
      const headers: http.OutgoingHttpHeaders = {
        'content-type': contentType,
        'cache-control': status === 200 ? cacheControlOf(file, contentType) : 'no-cache',
        'x-content-type-options': 'nosniff',
      };
      if (compressible) headers.vary = 'Accept-Encoding';
      if (status === 200) {
        // Validators only for the file itself: an error document stands for a missing path, not for its own file.
        const etag = etagOf(stat);
        const lastModified = new Date(Math.floor(stat.mtimeMs / 1000) * 1000);
        headers.etag = etag;
        headers['last-modified'] = lastModified.toUTCString();
        const ifNoneMatch = req.headers['if-none-match'];
        const ifModifiedSince = req.headers['if-modified-since'];
        // If-None-Match wins over If-Modified-Since when both are sent (RFC 9110 13.2.2).
        const notModified =
          ifNoneMatch !== undefined
            ? etagMatches(ifNoneMatch, etag)
            : ifModifiedSince !== undefined && lastModified.getTime() <= Date.parse(ifModifiedSince);
        if (notModified) {
          delete headers['content-type'];
          res.writeHead(304, headers);
          res.end();
          return;
        }
      }
      if (stat.size > BUFFER_MAX_BYTES) {
        res.writeHead(status, { ...headers, 'content-length': stat.size });
        if (req.method === 'HEAD') return void res.end();
        await pipeline(fs.createReadStream(file), res).catch(() => void res.destroy());
        return;
      }
      let body: Buffer = await fs.promises.readFile(file);
      if (compressible && body.length >= GZIP_MIN_BYTES && acceptsGzip(req.headers['accept-encoding'])) {
        body = await gzipped(file, stat, body);
        headers['content-encoding'] = 'gzip';
      }
      res.writeHead(status, { ...headers, 'content-length': body.length });
      res.end(req.method === 'HEAD' ? undefined : body);
    }

    async function notFound(req: http.IncomingMessage, res: http.ServerResponse, shown: string): Promise<void> {
      const errorDoc = errorFile && containedFile(site!.dir, errorFile);
      if (errorDoc) return sendFile(req, res, errorDoc, site!.errorStatus);
      sendText(res, 404, `404 Not Found: ${shown}\n`);
    }

    const bare = site.prefix.slice(0, -1); // `/admin` for `/admin/`; '' at the root
    host.addFallback(async (req, res, url) => {
      const raw = req.url ?? '/';
      const query = url.search;
      if (bare !== '' && (raw === bare || raw.startsWith(`${bare}?`))) {
        if (!isGetOrHead(req, res)) return true;
        res.writeHead(301, { location: `${site.prefix}${query}`, 'content-length': 0, 'cache-control': 'no-cache' });
        res.end();
        return true;
      }
      let segments: string[] | undefined;
      try {
        segments = segmentsOf(raw, site.prefix);
      } catch (err) {
        if (!(err instanceof BadPath)) throw err;
        sendText(res, 400, `400 Bad Request: ${err.message}\n`);
        return true;
      }
      // Not under the prefix as sent: another path, left to the server's 404.
      if (!segments) return false;
      if (!isGetOrHead(req, res)) return true;
      const wantsDirectory = segments[segments.length - 1] === '';
      const named = path.join(site.dir, ...segments.filter((s) => s !== ''));
      const file = wantsDirectory ? path.join(named, site.indexDocument) : named;
      const found = containedFile(site.dir, file);
      if (found) {
        await sendFile(req, res, found);
        return true;
      }
      // `/admin/orders` naming a folder with an index document: to `/admin/orders/`, so its relative links resolve.
      if (!wantsDirectory && isDirectory(named) && containedFile(site.dir, path.join(named, site.indexDocument))) {
        const location = `${raw.split(/[?#]/, 1)[0]}/${query}`;
        res.writeHead(301, { location, 'content-length': 0, 'cache-control': 'no-cache' });
        res.end();
        return true;
      }
      await notFound(req, res, url.pathname);
      return true;
    });
  };
}

function sendText(res: http.ServerResponse, status: number, text: string, extra: http.OutgoingHttpHeaders = {}): void {
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-cache',
    ...extra,
  });
  res.end(text);
}

/** Static hosting answers GET and HEAD; anything else is a 405 (answered here, then false). */
function isGetOrHead(req: http.IncomingMessage, res: http.ServerResponse): boolean {
  if (req.method === 'GET' || req.method === 'HEAD') return true;
  req.resume();
  sendText(res, 405, `405 Method Not Allowed: static hosting serves GET and HEAD\n`, { allow: 'GET, HEAD' });
  return false;
}

/** `relative` (a path inside `dir`, e.g. the error document) as a file path, refused if it steps outside `dir`. */
function resolveInside(dir: string, relative: string): string {
  const file = path.resolve(dir, relative);
  if (!file.startsWith(dir + path.sep)) throw new Error(`the error document must be inside ${dir}, got ${relative}`);
  return file;
}
