import { INTERNAL_MESSAGE, NETWORK_MESSAGE, ServiceError } from './errors';

/**
 * How a call reaches a function: `data` is `{ $url, ...params }`, the answer is what the function returned (the
 * envelope). Failures on the way become a ServiceError (`NETWORK`, or `INTERNAL` when the function itself failed).
 */
export type Transport = (name: string, data: Record<string, unknown>) => Promise<unknown>;

/** CloudBase: `wx.cloud.callFunction`, the caller's openid added by the platform. */
export const cloudTransport: Transport = async (name, data) => {
  try {
    return (await wx.cloud.callFunction({ name, data })).result;
  } catch (err) {
    throw failedCall(err);
  }
};

/**
 * The local emulator's function gateway (`npm start`): `POST <url>/functions/<name>` with the openid in `x-wx-openid`,
 * answering `{ result, errMsg }` as `wx.cloud.callFunction` does. Cloud-storage file ids in the answer (`cloud://…`,
 * which only a real environment serves to `<image>`) are swapped for the emulator's download links.
 */
export function localTransport(url: string, openid: string): Transport {
  const images = localImages(url);
  return async (name, data) => {
    const res = await request(`${url}/functions/${name}`, 'POST', data, { 'x-wx-openid': openid });
    const body = res.data as { result?: unknown; errMsg?: string } | null;
    if (res.statusCode !== 200 || !body || !('result' in body)) {
      throw new ServiceError('INTERNAL', INTERNAL_MESSAGE);
    }
    return images.resolve(body.result);
  };
}

function request(
  url: string,
  method: 'GET' | 'POST',
  data?: Record<string, unknown>,
  header: Record<string, string> = {},
): Promise<WechatMiniprogram.RequestSuccessCallbackResult> {
  return new Promise((resolve, reject) => {
    wx.request({
      url,
      method,
      data,
      header: { 'content-type': 'application/json', ...header },
      success: resolve,
      fail: (err) => reject(failedCall(err)),
    });
  });
}

/** `wx.cloud.callFunction` rejects with `errMsg`/`errCode`: -504002 and its kin mean the function failed, not the network. */
function failedCall(err: unknown): ServiceError {
  const { errMsg = '', errCode } = (err ?? {}) as { errMsg?: string; errCode?: number };
  const functionFailed = (typeof errCode === 'number' && errCode <= -504000 && errCode > -505000) || /-504\d{3}/.test(errMsg);
  return functionFailed ? new ServiceError('INTERNAL', INTERNAL_MESSAGE) : new ServiceError('NETWORK', NETWORK_MESSAGE);
}

const LINKS_TTL_MS = 50 * 60 * 1000; // the emulator's links last an hour
const RELOOK_MS = 5000;

/** The emulator's storage listing (`GET /__emulator/storage`), read when an answer names a file it has not seen. */
function localImages(url: string) {
  let links = new Map<string, string>();
  let readAt = 0;

  async function refresh(): Promise<void> {
    try {
      const res = await request(`${url}/__emulator/storage`, 'GET');
      const files = (res.data as { files?: Array<{ fileID: string; tempFileURL: string }> }).files ?? [];
      links = new Map(files.map((f) => [f.fileID, f.tempFileURL]));
      readAt = Date.now();
    } catch {
      // Images stay as they are; the answer itself is still good.
    }
  }

  function collect(value: unknown, into: Set<string>): void {
    if (typeof value === 'string') {
      if (value.startsWith('cloud://')) into.add(value);
    } else if (Array.isArray(value)) value.forEach((v) => collect(v, into));
    else if (value && typeof value === 'object') Object.values(value).forEach((v) => collect(v, into));
  }

  function replace(value: unknown): unknown {
    if (typeof value === 'string') return links.get(value) ?? value;
    if (Array.isArray(value)) return value.map(replace);
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replace(v)]));
    }
    return value;
  }

  return {
    async resolve(answer: unknown): Promise<unknown> {
      const ids = new Set<string>();
      collect(answer, ids);
      if (!ids.size) return answer;
      const age = Date.now() - readAt;
      // A file uploaded since the last read is looked up again, at most every few seconds.
      if (age > LINKS_TTL_MS || (age > RELOOK_MS && [...ids].some((id) => !links.has(id)))) await refresh();
      return replace(answer);
    },
  };
}
