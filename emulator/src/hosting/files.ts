import fs from 'node:fs';
import path from 'node:path';

/**
 * The file side of static hosting: which file a request path names (refusing anything that could leave the folder),
 * its content type, its cache policy and its validators. No HTTP here; service.ts answers requests with it.
 */

/** Content types by extension, as COS stores them for files uploaded by extension (text types in UTF-8). */
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.cjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.wasm': 'application/wasm',
  '.pdf': 'application/pdf',
  '.mp4': 'video/mp4',
  '.webm': 'video/webm',
  '.mp3': 'audio/mpeg',
  '.zip': 'application/zip',
};

export function contentTypeOf(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** Text formats gain from gzip; images, fonts (woff2 is compressed already) and archives do not. */
export function isCompressible(contentType: string): boolean {
  return /^(text\/|application\/(json|javascript|xml|manifest\+json|wasm)|image\/svg\+xml)/.test(contentType);
}

/**
 * `no-cache` (revalidate every time, with the ETag) unless the name carries a content hash as Vite writes it
 * (`index-B1x9Qz_k.js`: a segment of 8 or more URL-safe characters with a digit or a capital): such a file never
 * changes under its name, so it may be kept for a year. HTML is never cached without revalidation, so a rebuild shows
 * at once.
 */
export function cacheControlOf(file: string, contentType: string): string {
  if (contentType.startsWith('text/html')) return 'no-cache';
  const m = /[.-]([A-Za-z0-9_-]{8,})\.[A-Za-z0-9]+$/.exec(path.basename(file));
  return m && /[0-9A-Z]/.test(m[1]!) ? 'public, max-age=31536000, immutable' : 'no-cache';
}

/** A weak validator from size and modification time: it holds for the gzipped and the identity body alike. */
export function etagOf(stat: fs.Stats): string {
  return `W/"${stat.size.toString(16)}-${Math.floor(stat.mtimeMs).toString(16)}"`;
}

/** RFC 9110's weak comparison: `If-None-Match` matches when any listed tag (or `*`) is the resource's, W/ or not. */
export function etagMatches(ifNoneMatch: string, etag: string): boolean {
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  return ifNoneMatch.split(',').some((tag) => tag.trim() === '*' || opaque(tag) === opaque(etag));
}

/** Whether `Accept-Encoding` accepts gzip (explicitly or through `*`), not with q=0. */
export function acceptsGzip(acceptEncoding: string | undefined): boolean {
  let gzip: number | undefined;
  let any: number | undefined;
  for (const part of (acceptEncoding ?? '').split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)).find(Boolean);
    const weight = q ? Number(q[1]) : 1;
    if (name === 'gzip' || name === 'x-gzip') gzip = weight;
    else if (name === '*') any = weight;
  }
  return (gzip ?? any ?? 0) > 0;
}

export class BadPath extends Error {}

/**
 * The path segments below `prefix` that a raw request target names, decoded, or BadPath for anything that could step
 * outside the served folder or be read two ways: `.` and `..` segments (plain or percent-encoded), empty segments
 * (`//`), backslashes (plain or encoded: a separator on Windows), encoded slashes, NUL and other control characters,
 * drive letters, malformed escapes. The raw target is checked, not the URL the server parsed: WHATWG URL parsing
 * already folds `/admin/%2e%2e/x` into `/x`, which would hide the attempt. A trailing slash gives a last segment ''.
 * Undefined when the path is not below the prefix at all.
 */
export function segmentsOf(rawTarget: string, prefix: string): string[] | undefined {
  const rawPath = rawTarget.split(/[?#]/, 1)[0] ?? '';
  if (!rawPath.startsWith(prefix)) return undefined;
  const rest = rawPath.slice(prefix.length);
  if (rest === '') return [''];
  const raw = rest.split('/');
  return raw.map((segment, i) => {
    const last = i === raw.length - 1;
    if (segment === '' && !last) throw new BadPath('empty path segment');
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      throw new BadPath('malformed percent-encoding');
    }
    if (decoded === '.' || decoded === '..') throw new BadPath('"." and ".." segments are not served');
    if (/[/\\]/.test(decoded)) throw new BadPath('slashes and backslashes inside a segment are not served');
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u001f\u007f]/.test(decoded)) throw new BadPath('control characters are not served');
    if (/^[A-Za-z]:/.test(decoded)) throw new BadPath('drive letters are not served');
    return decoded;
  });
}

/** `file` after symbolic links, if it is a regular file inside `root` (itself after links); otherwise undefined. */
export function containedFile(root: string, file: string): { file: string; stat: fs.Stats } | undefined {
  let real: string;
  let realRoot: string;
  try {
    real = fs.realpathSync(file);
    realRoot = fs.realpathSync(root);
  } catch {
    return undefined;
  }
  if (!real.startsWith(realRoot + path.sep)) return undefined;
  const stat = fs.statSync(real, { throwIfNoEntry: false });
  return stat?.isFile() ? { file: real, stat } : undefined;
}

export function isDirectory(file: string): boolean {
  return fs.statSync(file, { throwIfNoEntry: false })?.isDirectory() ?? false;
}

/** Files under `dir` (recursively) and their total size; nothing when it does not exist. */
export function countFiles(dir: string): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  if (!isDirectory(dir)) return { files, bytes };
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    files++;
    bytes += fs.statSync(path.join(entry.parentPath, entry.name)).size;
  }
  return { files, bytes };
}
