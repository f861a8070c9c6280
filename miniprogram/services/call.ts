import type { Envelope } from '../../typings/common';
import { backend, CLOUD_ENV, LOCAL_EMULATOR } from '../config';
import { INTERNAL_MESSAGE, ServiceError } from './errors';
import type { AnswerOf, FunctionName, ParamsOf, RouteName } from './routes';
import { cloudTransport, localTransport, type Transport } from './transport';

/**
 * The one way the app calls the cloud. `call('product', 'list', { categoryId })` sends `{ $url: 'list', categoryId }`
 * to the `product` function and answers the envelope's `data`, typed from typings/ (services/routes.ts); a refusal
 * (`{ ok: false, code, message }`) or a failed call throws a ServiceError.
 */

let transport: Transport | undefined;

/** Chooses the transport from config.ts (App's onLaunch); `call()` does it itself when nobody has. */
export function initBackend(): Transport {
  if (backend() === 'local') {
    transport = localTransport(LOCAL_EMULATOR.url, LOCAL_EMULATOR.openid);
  } else {
    wx.cloud.init({ traceUser: true, ...(CLOUD_ENV ? { env: CLOUD_ENV } : {}) });
    transport = cloudTransport;
  }
  return transport;
}

type ParamsArg<N extends FunctionName, R extends RouteName<N>> =
  Record<string, never> extends ParamsOf<N, R> ? [params?: ParamsOf<N, R>] : [params: ParamsOf<N, R>];

export async function call<N extends FunctionName, R extends RouteName<N>>(
  name: N,
  route: R,
  ...[params]: ParamsArg<N, R>
): Promise<AnswerOf<N, R>> {
  const send = transport ?? initBackend();
  return unwrap<AnswerOf<N, R>>(await send(name, { $url: route, ...(params as Record<string, unknown> | undefined) }));
}

export function unwrap<T>(answer: unknown): T {
  if (!isEnvelope(answer)) throw new ServiceError('INTERNAL', INTERNAL_MESSAGE);
  if (answer.ok) return answer.data as T;
  throw new ServiceError(answer.code, answer.message);
}

function isEnvelope(value: unknown): value is Envelope<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { ok?: unknown }).ok === 'boolean';
}
