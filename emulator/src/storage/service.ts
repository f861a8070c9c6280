import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { CloudBaseError, invalidParam } from '../errors.js';
import { type Body, type EmulatorHost, readBody, sendJson } from '../host.js';
import { randomHex } from '../random.js';

/**
 * Cloud storage, as the SDK reaches it (docs/wire-protocol.md, on storage). Files live under `<dataDir>/storage/<cloudPath>`. Uploads go to a PUT route on the
 * emulator that stands in for COS; downloads use signed, expiring URLs on a GET route. fileIDs look like
 * `cloud://<envId>.<bucket>/<cloudPath>`.
 */

const UPLOAD_TTL_S = 10 * 60;
/** Validity of a temp URL when the caller gives no maxAge. */
const DEFAULT_MAX_AGE_S = 24 * 60 * 60;
const FILE_NOT_EXIST = 'STORAGE_FILE_NONEXIST';

export function bucketOf(host: EmulatorHost): string {
  return `${host.envId}-1250000000`;
}

export function fileIdOf(host: EmulatorHost, cloudPath: string): string {
  return `cloud://${host.envId}.${bucketOf(host)}/${cloudPath}`;
}

export function storageRoot(host: EmulatorHost): string {
  return path.join(host.dataDir, 'storage');
}

/** Throws INVALID_PARAM unless `cloudPath` is a relative path of non-empty, non-dot segments. */
export function checkCloudPath(cloudPath: unknown): string {
  if (typeof cloudPath !== 'string' || cloudPath.length === 0) throw invalidParam('cloudPath must be a non-empty string');
  if (cloudPath.startsWith('/') || /^[a-zA-Z]:/.test(cloudPath)) throw invalidParam(`cloudPath must be relative: ${cloudPath}`);
  if (/[\\\0]/.test(cloudPath)) throw invalidParam(`cloudPath must not contain backslashes or NUL: ${cloudPath}`);
  for (const segment of cloudPath.split('/')) {
    if (segment === '') throw invalidParam(`cloudPath must not contain empty segments: ${cloudPath}`);
    if (segment === '.' || segment === '..') throw invalidParam(`cloudPath must not contain "." or ".." segments: ${cloudPath}`);
  }
  return cloudPath;
}

/** The cloudPath of a fileID. The `<env>.<bucket>` part is not checked, so seed data copied from a real env still resolves. */
export function cloudPathOf(fileId: unknown): string {
  const m = typeof fileId === 'string' ? /^cloud:\/\/[^/]+\/(.+)$/.exec(fileId) : null;
  if (!m) throw invalidParam(`invalid fileID: ${String(fileId)}`);
  return checkCloudPath(m[1]);
}

/** Writes a file straight into storage (seed scripts, other services); returns its fileID. */
export function putFile(host: EmulatorHost, cloudPath: string, bytes: Buffer | string): string {
  const file = path.join(storageRoot(host), checkCloudPath(cloudPath));
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, bytes);
  return fileIdOf(host, cloudPath);
}

export interface StoredFile {
  path: string;
  size: number;
  fileID: string;
  updatedAt: string;
}

export function listFiles(host: EmulatorHost): StoredFile[] {
  const root = storageRoot(host);
  if (!fs.existsSync(root)) return [];
  const files: StoredFile[] = [];
  for (const entry of fs.readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || entry.name.startsWith('.upload-')) continue;
    const full = path.join(entry.parentPath, entry.name);
    const cloudPath = path.relative(root, full).split(path.sep).join('/');
    const stat = fs.statSync(full);
    files.push({ path: cloudPath, size: stat.size, fileID: fileIdOf(host, cloudPath), updatedAt: stat.mtime.toISOString() });
  }
  return files.sort((a, b) => a.path.localeCompare(b.path));
}

const CONTENT_TYPES: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.bmp': 'image/bmp',
  '.mp4': 'video/mp4',
  '.mp3': 'audio/mpeg',
  '.pdf': 'application/pdf',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.xml': 'application/xml',
  '.zip': 'application/zip',
};

export function contentTypeOf(cloudPath: string): string {
  return CONTENT_TYPES[path.extname(cloudPath).toLowerCase()] ?? 'application/octet-stream';
}

export function installStorage(host: EmulatorHost): void {
  const root = storageRoot(host);
  // Per run: temp URLs and upload tokens do not survive a restart, as they would expire on the platform anyway.
  const secret = randomBytes(32);
  const sign = (purpose: string, cloudPath: string, expiresAt: number) =>
    createHmac('sha256', secret).update(`${purpose}\n${cloudPath}\n${expiresAt}`).digest('hex');
  const verify = (purpose: string, cloudPath: string, expiresAt: string | null, signature: string | null): boolean => {
    if (!expiresAt || !signature || !/^\d+$/.test(expiresAt) || Number(expiresAt) < Date.now() / 1000) return false;
    const expected = Buffer.from(sign(purpose, cloudPath, Number(expiresAt)));
    const given = Buffer.from(signature);
    return given.length === expected.length && timingSafeEqual(given, expected);
  };
  const fileOf = (cloudPath: string) => path.join(root, cloudPath);
  const isFile = (file: string) => fs.statSync(file, { throwIfNoEntry: false })?.isFile() ?? false;

  /** base64url keeps the path one URL segment that `encodeURI` (applied by downloadFile) leaves untouched. */
  const tempUrl = (cloudPath: string, maxAge: number) => {
    const t = Math.floor(Date.now() / 1000) + maxAge;
    return `${host.baseUrl()}/__storage/download/${Buffer.from(cloudPath).toString('base64url')}?sign=${sign('get', cloudPath, t)}&t=${t}`;
  };

  host.addJsonAction('storage.getUploadMetadata', (body) => {
    const cloudPath = checkCloudPath(body.path);
    if (body.method !== undefined && body.method !== 'put')
      throw invalidParam(`unsupported upload method ${JSON.stringify(body.method)}; only "put"`);
    const expiresAt = Math.floor(Date.now() / 1000) + UPLOAD_TTL_S;
    const token = `${expiresAt}.${sign('put', cloudPath, expiresAt)}`;
    return {
      data: {
        url: `${host.baseUrl()}/__storage/upload/${encodeURIComponent(cloudPath)}?token=${token}`,
        token,
        authorization: `q-sign-algorithm=sha1&q-ak=local-emulator&q-sign-time=${expiresAt}`,
        fileId: fileIdOf(host, cloudPath),
        cosFileId: randomHex(12),
      },
    };
  });

  host.addRoute('PUT', '/__storage/upload/:path', async (req, res, params, url) => {
    const cloudPath = params.path ?? '';
    try {
      checkCloudPath(cloudPath);
    } catch (err) {
      return cosError(res, 400, 'InvalidArgument', (err as Error).message);
    }
    const [expiresAt, signature] = (url.searchParams.get('token') ?? String(req.headers['x-cos-security-token'] ?? '')).split(
      '.',
    );
    if (!verify('put', cloudPath, expiresAt ?? null, signature ?? null)) {
      req.resume();
      return cosError(res, 403, 'AccessDenied', 'upload token is invalid or expired; call storage.getUploadMetadata again');
    }
    const file = fileOf(cloudPath);
    const tmp = path.join(root, `.upload-${randomHex(8)}`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    try {
      await pipeline(req, fs.createWriteStream(tmp));
      fs.renameSync(tmp, file); // readers never see a half-written file
    } catch (err) {
      fs.rmSync(tmp, { force: true });
      return cosError(res, 500, 'InternalError', `upload failed: ${(err as Error).message}`);
    }
    res.writeHead(200, { 'content-length': 0 });
    res.end();
  });

  host.addJsonAction('storage.batchGetDownloadUrl', (body) => {
    const list = arrayField(body, 'file_list');
    const download_list = list.map((item) => {
      const { fileid, max_age } = (item ?? {}) as { fileid?: unknown; max_age?: unknown };
      let cloudPath: string;
      try {
        cloudPath = cloudPathOf(fileid);
      } catch (err) {
        return { fileID: fileid, tempFileURL: '', code: (err as CloudBaseError).code, message: (err as Error).message };
      }
      if (max_age !== undefined && (typeof max_age !== 'number' || !Number.isInteger(max_age) || max_age <= 0)) {
        return {
          fileID: fileid,
          tempFileURL: '',
          code: 'INVALID_PARAM',
          message: `maxAge must be a positive integer number of seconds: ${typeof max_age === 'string' ? max_age : JSON.stringify(max_age)}`,
        };
      }
      if (!isFile(fileOf(cloudPath)))
        return { fileID: fileid, tempFileURL: '', code: FILE_NOT_EXIST, message: 'storage file not exists' };
      const maxAge = max_age ?? DEFAULT_MAX_AGE_S;
      return { fileID: fileid, tempFileURL: tempUrl(cloudPath, maxAge), code: 'SUCCESS', maxAge };
    });
    return { data: { download_list } };
  });

  host.addJsonAction('storage.batchDeleteFile', (body) => {
    const delete_list = arrayField(body, 'fileid_list').map((fileid) => {
      let cloudPath: string;
      try {
        cloudPath = cloudPathOf(fileid);
      } catch (err) {
        return { fileID: fileid, code: (err as CloudBaseError).code, message: (err as Error).message };
      }
      const file = fileOf(cloudPath);
      if (!isFile(file)) return { fileID: fileid, code: FILE_NOT_EXIST, message: 'storage file not exists' };
      fs.rmSync(file);
      removeEmptyParents(path.dirname(file), root);
      return { fileID: fileid, code: 'SUCCESS' };
    });
    return { data: { delete_list } };
  });

  host.addRoute('GET', '/__storage/download/:key', async (req, res, params, url) => {
    const cloudPath = Buffer.from(params.key ?? '', 'base64url').toString('utf8');
    if (!verify('get', cloudPath, url.searchParams.get('t'), url.searchParams.get('sign'))) {
      return sendJson(res, 403, { code: 'ACCESS_DENIED', message: 'the URL signature is invalid or the URL has expired' });
    }
    const file = fileOf(cloudPath);
    if (!isFile(file)) return sendJson(res, 404, { code: FILE_NOT_EXIST, message: 'storage file not exists' });
    const size = fs.statSync(file).size;
    res.writeHead(200, {
      'content-type': contentTypeOf(cloudPath),
      'content-length': size,
      'content-disposition': `inline; filename*=UTF-8''${encodeURIComponent(path.basename(cloudPath))}`,
      'cache-control': 'private, max-age=60',
    });
    if (req.method === 'HEAD') return void res.end();
    await pipeline(fs.createReadStream(file), res).catch(() => void res.destroy());
  });

  host.addRoute('GET', '/__emulator/storage', (_req, res) => {
    sendJson(res, 200, { files: listFiles(host).map((f) => ({ ...f, tempFileURL: tempUrl(f.path, 60 * 60) })) });
  });

  // The control side of storage (the web UI): put a file's bytes at a cloudPath, or delete it, without the SDK's
  // upload-token dance. `/*` takes the whole cloudPath, slashes included.
  const controlPath = (params: Record<string, string>): string => checkCloudPath((params.rest ?? '').replace(/^\//, ''));
  const badPath = (res: http.ServerResponse, err: unknown) =>
    sendJson(res, 400, { code: (err as CloudBaseError).code ?? 'INVALID_PARAM', message: (err as Error).message });

  host.addRoute('PUT', '/__emulator/storage/files/*', async (req, res, params) => {
    let cloudPath: string;
    try {
      cloudPath = controlPath(params);
    } catch (err) {
      req.resume();
      return badPath(res, err);
    }
    const bytes = await readBody(req);
    putFile(host, cloudPath, bytes);
    const file = listFiles(host).find((f) => f.path === cloudPath)!;
    sendJson(res, 200, { ...file, tempFileURL: tempUrl(cloudPath, 60 * 60) });
  });

  host.addRoute('DELETE', '/__emulator/storage/files/*', (_req, res, params) => {
    let cloudPath: string;
    try {
      cloudPath = controlPath(params);
    } catch (err) {
      return badPath(res, err);
    }
    const file = fileOf(cloudPath);
    if (!isFile(file)) return sendJson(res, 404, { code: FILE_NOT_EXIST, message: `storage file not exists: ${cloudPath}` });
    fs.rmSync(file);
    removeEmptyParents(path.dirname(file), root);
    sendJson(res, 200, { deleted: cloudPath, fileID: fileIdOf(host, cloudPath) });
  });
}

function arrayField(body: Body, name: string): unknown[] {
  const value = body[name];
  if (!Array.isArray(value)) throw invalidParam(`${name} must be an array`);
  return value;
}

/** COS's XML error document; the SDK parses it and needs all four elements (Code, Message, RequestId, TraceId). */
function cosError(res: http.ServerResponse, status: number, code: string, message: string): void {
  const id = randomHex(8);
  const xml =
    `<?xml version='1.0' encoding='utf-8' ?>\n<Error>\n<Code>${code}</Code>\n<Message>${escapeXml(message)}</Message>\n` +
    `<RequestId>${id}</RequestId>\n<TraceId>${id}</TraceId>\n</Error>`;
  res.writeHead(status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(xml) });
  res.end(xml);
}

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

function removeEmptyParents(dir: string, root: string): void {
  while (dir !== root && dir.startsWith(root) && fs.readdirSync(dir).length === 0) {
    fs.rmdirSync(dir);
    dir = path.dirname(dir);
  }
}
