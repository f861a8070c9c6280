/**
 * What code outside the emulator needs to talk to a running one: the environment that points the real SDKs at it,
 * and a client for its control API (`/__emulator/*`, listed in emulator/README.md).
 */

/**
 * The variables the CloudBase runtime sets in a cloud function's process, pointing at `emulator` instead: with them
 * the unmodified wx-server-sdk sends every call to the emulator (`cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })`).
 * `TENCENTCLOUD=true` stops @cloudbase/node-sdk from probing the cloud's metadata service before every request.
 * The secrets must be non-empty for the SDKs; the emulator ignores them.
 */
export function sdkEnvironment(emulator: { url: string; envId: string }): Record<string, string> {
  return {
    TCB_CONTEXT_CNFG: JSON.stringify({ URL: `${emulator.url}/admin` }),
    TENCENTCLOUD_SECRETID: 'local-secret-id',
    TENCENTCLOUD_SECRETKEY: 'local-secret-key',
    TENCENTCLOUD_RUNENV: 'SCF',
    TENCENTCLOUD_REGION: 'ap-shanghai',
    SCF_NAMESPACE: emulator.envId,
    SILENCE: 'true',
    TENCENTCLOUD: 'true',
  };
}

export interface ControlResponse<T> {
  status: number;
  body: T;
}

export interface ControlClient {
  /**
   * One control call; `path` is below `/__emulator` (e.g. `/pay/orders`). The body is sent as JSON. Answers the
   * status and the parsed JSON whatever the status, so callers can assert on refusals too.
   */
  request<T = unknown>(method: string, path: string, body?: unknown): Promise<ControlResponse<T>>;
  /**
   * Resolves once the pay sandbox has delivered every pending payment and refund notification (retries included;
   * refunds held by the `holdRefunds` fault do not count). Rejects if it is still busy after `timeoutMs`
   * (the emulator's default when omitted) or has no pay sandbox.
   */
  payIdle(timeoutMs?: number): Promise<void>;
}

/** A client for the control API of the emulator at `baseUrl` (`emulator.url`, e.g. `http://127.0.0.1:8787`). */
export function controlClient(baseUrl: string): ControlClient {
  const root = `${baseUrl.replace(/\/+$/, '')}/__emulator`;
  async function request<T = unknown>(method: string, path: string, body?: unknown): Promise<ControlResponse<T>> {
    const res = await fetch(root + path, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    try {
      return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
    } catch {
      throw new Error(`${method} /__emulator${path}: HTTP ${res.status}, not JSON: ${text.slice(0, 200)}`);
    }
  }
  return {
    request,
    payIdle: async (timeoutMs) => {
      const { status, body } = await request<{ message?: string }>(
        'POST',
        '/pay/idle',
        timeoutMs === undefined ? undefined : { timeoutMs },
      );
      if (status !== 200) throw new Error(`the pay sandbox did not become idle (HTTP ${status}): ${body?.message ?? ''}`);
    },
  };
}
