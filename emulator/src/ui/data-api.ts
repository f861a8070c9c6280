import type http from 'node:http';
import { EJSON } from 'bson';
import { CloudBaseError, ErrorCode } from '../errors.js';
import { type Body, type EmulatorHost, readBody, sendJson } from '../host.js';

/**
 * JSON routes the web UI uses to browse and edit collections. Every read and write goes through the database's own
 * `/admin` actions with EJSON-string fields, exactly as the SDKs send them, so validation and errors are the
 * emulator's. Documents come back as relaxed Extended JSON (dates stay `{"$date": "…"}`), and the UI may send
 * relaxed or canonical EJSON back. Document ids in the URL are string ids (what the platform assigns).
 *
 *   GET    /__emulator/collections
 *   GET    /__emulator/collections/:name/documents?skip=&limit=&query=<JSON filter>
 *   POST   /__emulator/collections/:name/documents          (insert; body: the document)
 *   GET    /__emulator/collections/:name/documents/:id
 *   PUT    /__emulator/collections/:name/documents/:id      (replace; body: the document, `_id` kept from the URL)
 *   DELETE /__emulator/collections/:name/documents/:id
 *   GET    /__emulator/reset                                  (`{canReseed}`: whether a re-seed hook is registered)
 *   POST   /__emulator/reset                                  (body `{reseed?}`: empty every collection, then re-seed)
 *
 * Errors are HTTP 400 (bad input) or 404 (no such collection or document) with `{code, message}`.
 */
const PAGE_DEFAULT = 20;
const PAGE_MAX = 1000;

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Writes a project's seed data again after a reset. Only the project that launched the emulator knows its seed (the
 * emulator knows no project), so it registers one with `setReseed`, e.g. as one of `launch`'s extra services.
 */
export type Reseed = () => unknown;
const reseeds = new WeakMap<EmulatorHost, Reseed>();

export function setReseed(host: EmulatorHost, reseed: Reseed): void {
  reseeds.set(host, reseed);
}

/** Canonical EJSON text (the store's form) to a relaxed EJSON tree the browser can show and send back. */
function relaxed(text: string): unknown {
  return EJSON.serialize(EJSON.parse(text, { relaxed: false }), { relaxed: true });
}

function intParam(url: URL, name: string, fallback: number, max: number): number {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new HttpError(400, ErrorCode.INVALID_PARAM, `${name} must be a non-negative integer`);
  return Math.min(n, max);
}

/** A JSON object body, as text (so the EJSON in it reaches the database untouched) and parsed; `{}` when empty if allowed. */
async function objectBody(req: http.IncomingMessage, allowEmpty = false): Promise<Record<string, unknown>> {
  const raw = (await readBody(req, 16 * 1024 * 1024)).toString('utf8');
  if (allowEmpty && !raw.trim()) return {};
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    throw new HttpError(400, ErrorCode.INVALID_PARAM, '请求体不是合法的 JSON');
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    throw new HttpError(400, ErrorCode.INVALID_PARAM, '文档必须是 JSON 对象');
  return body as Record<string, unknown>;
}

export function installDataApi(host: EmulatorHost): void {
  const database = host.database;
  const store = database.store;

  /** Runs one database action as the wire would; CloudBase errors become HTTP errors. */
  function action(name: string, body: Body): Record<string, unknown> {
    const fn = database.actions[name];
    if (!fn) throw new Error(`unknown database action ${name}`);
    const reply = fn(body, Date.now());
    return (reply.data ?? {}) as Record<string, unknown>;
  }

  function collectionOf(params: Record<string, string>): string {
    const name = params.name ?? '';
    if (!store.collectionNames().includes(name)) throw new HttpError(404, ErrorCode.COLLECTION_NOT_EXIST, `集合不存在: ${name}`);
    return name;
  }

  function getById(collectionName: string, id: string): unknown {
    const data = action('database.getDocument', { collectionName, queryType: 'DOC', query: JSON.stringify({ _id: id }) });
    const [text] = (data.list ?? []) as string[];
    if (text === undefined) throw new HttpError(404, 'DOCUMENT_NOT_EXIST', `文档不存在: ${id}`);
    return relaxed(text);
  }

  const route = (
    method: string,
    pattern: string,
    fn: (req: http.IncomingMessage, params: Record<string, string>, url: URL) => Promise<[number, unknown]> | [number, unknown],
  ) =>
    host.addRoute(method, pattern, async (req, res, params, url) => {
      try {
        const [status, body] = await fn(req, params, url);
        sendJson(res, status, body);
      } catch (err) {
        if (err instanceof HttpError) sendJson(res, err.status, { code: err.code, message: err.message });
        else if (err instanceof CloudBaseError)
          sendJson(res, err.code === ErrorCode.COLLECTION_NOT_EXIST ? 404 : 400, { code: err.code, message: err.message });
        else throw err;
      }
    });

  route('GET', '/__emulator/collections', () => [
    200,
    {
      collections: store
        .collectionNames()
        .map((name) => ({ name, count: store.count(name), indexes: store.collection(name).indexes })),
    },
  ]);

  route('GET', '/__emulator/collections/:name/documents', (_req, params, url) => {
    const collectionName = collectionOf(params);
    const skip = intParam(url, 'skip', 0, Number.MAX_SAFE_INTEGER);
    const limit = intParam(url, 'limit', PAGE_DEFAULT, PAGE_MAX) || PAGE_DEFAULT;
    const queryText = url.searchParams.get('query')?.trim() || '{}';
    try {
      JSON.parse(queryText);
    } catch {
      throw new HttpError(400, ErrorCode.INVALID_PARAM, '筛选条件不是合法的 JSON');
    }
    const total = action('database.calculateDocument', { collectionName, query: queryText }).total as number;
    const list = action('database.getDocument', { collectionName, query: queryText, queryType: 'WHERE', offset: skip, limit })
      .list as string[];
    return [200, { total, skip, limit, documents: list.map(relaxed) }];
  });

  route('POST', '/__emulator/collections/:name/documents', async (req, params) => {
    const collectionName = collectionOf(params);
    const doc = await objectBody(req);
    const data = action('database.insertDocument', { collectionName, data: [JSON.stringify(doc)] });
    const [id] = data.insertedIds as unknown[];
    return [201, { _id: id, document: typeof id === 'string' ? getById(collectionName, id) : undefined }];
  });

  route('GET', '/__emulator/collections/:name/documents/:id', (_req, params) => [
    200,
    { document: getById(collectionOf(params), params.id!) },
  ]);

  route('PUT', '/__emulator/collections/:name/documents/:id', async (req, params) => {
    const collectionName = collectionOf(params);
    const id = params.id!;
    const { _id, ...rest } = await objectBody(req);
    if (_id !== undefined && _id !== id) throw new HttpError(400, ErrorCode.INVALID_PARAM, '不能修改文档的 _id');
    const data = action('database.modifyDocument', {
      collectionName,
      queryType: 'DOC',
      query: JSON.stringify({ _id: id }),
      data: JSON.stringify(rest),
      merge: false,
      upsert: true,
    });
    return [200, { updated: data.updated, upserted: data.upsert_id != null, document: getById(collectionName, id) }];
  });

  route('DELETE', '/__emulator/collections/:name/documents/:id', (_req, params) => {
    const collectionName = collectionOf(params);
    const data = action('database.removeDocument', {
      collectionName,
      queryType: 'DOC',
      query: JSON.stringify({ _id: params.id }),
    });
    if (!data.deleted) throw new HttpError(404, 'DOCUMENT_NOT_EXIST', `文档不存在: ${params.id}`);
    return [200, { deleted: data.deleted }];
  });

  route('GET', '/__emulator/reset', () => [200, { canReseed: reseeds.has(host) }]);

  // Removes the documents through the database's own action, so open transactions that wrote them fail to commit as
  // they would after any other write; collections and their indexes stay.
  route('POST', '/__emulator/reset', async (req) => {
    const { reseed } = await objectBody(req, true);
    if (reseed !== undefined && typeof reseed !== 'boolean')
      throw new HttpError(400, ErrorCode.INVALID_PARAM, 'reseed 必须是布尔值');
    const hook = reseeds.get(host);
    if (reseed && !hook) throw new HttpError(400, 'NO_RESEED', '启动模拟器的项目没有注册示例数据（setReseed）');
    const cleared: Record<string, number> = {};
    for (const collectionName of store.collectionNames()) {
      const data = action('database.removeDocument', { collectionName, queryType: 'WHERE', query: '{}', multi: true });
      cleared[collectionName] = data.deleted as number;
    }
    if (reseed) await hook!();
    return [200, { cleared, reseeded: reseed === true }];
  });
}
