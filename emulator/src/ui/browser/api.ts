/** The page's only way to the emulator: the JSON control API on the same origin. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/**
 * A control call; the body is sent as JSON (a string as it is, a file or blob as its bytes). Answers the parsed JSON
 * or throws an ApiError.
 */
export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(path, {
    method,
    headers: body === undefined || body instanceof Blob ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : body instanceof Blob || typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let answer: unknown = null;
  try {
    answer = text ? JSON.parse(text) : null;
  } catch {
    answer = { message: text };
  }
  if (!res.ok) {
    const message = answer !== null && typeof answer === 'object' && 'message' in answer ? answer.message : undefined;
    throw new ApiError(typeof message === 'string' && message ? message : 'HTTP ' + res.status, res.status);
  }
  return answer as T;
}

/**
 * Reads the emulator refused (HTTP 400-499 but 404) are not asked again by the refresh every 2 s: the same question
 * gets the same refusal. Asking anything else, or `retryRefused()` (the person pressed Enter again), asks anew.
 */
const refused = new Map<string, ApiError>();

export async function read<T>(path: string): Promise<T> {
  const known = refused.get(path);
  if (known) throw known;
  try {
    return await api<T>('GET', path);
  } catch (err) {
    if (err instanceof ApiError && err.status >= 400 && err.status < 500 && err.status !== 404) refused.set(path, err);
    throw err;
  }
}

export function retryRefused(): void {
  refused.clear();
}

/** A control API of an optional service: null when the service is not installed. */
export async function optional<T>(path: string): Promise<T | null> {
  try {
    return await read<T>(path);
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return null;
    throw err;
  }
}
