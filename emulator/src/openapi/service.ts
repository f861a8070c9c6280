import type { AdminCaller, EmulatorHost, RawReply } from '../host.js';
import { sendJson } from '../host.js';
import { stateOf } from '../state.js';
import { ApiType, decodeCommApiData, encodeCommOpenApiResp } from './protocol.js';

/**
 * `cloud.openapi.*` (docs/wire-protocol.md, on open APIs): the multipart action `wx.openApi` carries a protobuf CommApiData and is answered
 * with a protobuf CommOpenApiResp. Only `subscribeMessage.send` is modelled; every send, accepted or refused, lands in an
 * outbox that tests and the UI can read instead of a phone. The outbox is kept in the data's SQLite file (state.ts), so
 * it outlives a restart; it holds the latest OUTBOX_KEEP messages.
 */

/** WeChat's error codes as wx-server-sdk surfaces them. */
const NO_PERMISSION = -604101; // CommOpenApiResp.errorCode → CloudSDKError errCode -604101
const API_NOT_FOUND = -604100;
const DATA_FORMAT_ERROR = 47001;
const ARGUMENT_INVALID = 47003;

export interface OutboxEntry {
  id: number;
  api: string;
  time: string;
  functionName?: string;
  outcome: 'sent' | 'refused';
  errcode: number;
  errmsg: string;
  msgid?: number;
  touser?: unknown;
  templateId?: unknown;
  page?: unknown;
  data?: unknown;
  miniprogramState?: unknown;
  lang?: unknown;
}

const OUTBOX_KEEP = 10_000;

/** Every subscribeMessage.send seen by this emulator's data (the latest OUTBOX_KEEP), oldest first. */
export function outbox(host: EmulatorHost): OutboxEntry[] {
  return stateOf(host).outbox.all();
}

export function clearOutbox(host: EmulatorHost): number {
  return stateOf(host).outbox.clear();
}

export function installOpenApi(host: EmulatorHost): void {
  const table = stateOf(host).outbox;
  // WeChat msgids are large integers; stay below 2^53 so the SDK hands back a plain number, and above those handed out
  // before a restart.
  let nextMsgId = Math.max(Date.now() * 100, table.lastMsgId() + 1);

  const openApi = (parts: Map<string, Buffer>, caller: AdminCaller): RawReply => {
    const apiName = parts.get('apiName')?.toString('utf8') ?? '';
    let body: Record<string, unknown>;
    try {
      const request = decodeCommApiData(parts.get('requestData') ?? Buffer.alloc(0));
      if (request.apiType !== ApiType.OPEN_API) {
        return wxReply({
          errcode: API_NOT_FOUND,
          errmsg: `API not found: ${request.svrkitApiName ?? apiName} (api type ${request.apiType}) is not supported by the local CloudBase emulator`,
        });
      }
      body = Object.fromEntries(request.pairs.map((p) => [p.key, JSON.parse(p.value.toString('utf8')) as unknown]));
    } catch (err) {
      return wxReply({
        errcode: DATA_FORMAT_ERROR,
        errmsg: `data format error: requestData is not a valid CommApiData message (${(err as Error).message})`,
      });
    }

    const record = (outcome: OutboxEntry['outcome'], errcode: number, errmsg: string, msgid?: number): void => {
      if (apiName !== 'subscribeMessage.send') return;
      table.add(
        {
          api: apiName,
          time: new Date().toISOString(),
          ...(caller.functionName ? { functionName: caller.functionName } : {}),
          outcome,
          errcode,
          errmsg,
          ...(msgid !== undefined ? { msgid } : {}),
          touser: body.touser,
          templateId: body.template_id,
          page: body.page,
          data: body.data,
          miniprogramState: body.miniprogram_state,
          lang: body.lang,
        },
        OUTBOX_KEEP,
      );
    };

    if (!hasPermission(host, caller, apiName)) {
      record(
        'refused',
        NO_PERMISSION,
        `function ${caller.functionName} has no permission to call ${apiName} (config.json permissions.openapi)`,
      );
      return reply({ errorCode: NO_PERMISSION });
    }
    if (apiName !== 'subscribeMessage.send') {
      return wxReply({
        errcode: API_NOT_FOUND,
        errmsg: `API not found: openapi ${apiName} is not supported by the local CloudBase emulator`,
      });
    }
    const problem = validateSubscribeMessage(body);
    if (problem) {
      const errmsg = `argument invalid! ${problem}`;
      record('refused', ARGUMENT_INVALID, errmsg);
      return wxReply({ errcode: ARGUMENT_INVALID, errmsg });
    }
    const msgid = nextMsgId++;
    record('sent', 0, 'ok', msgid);
    return wxReply({ errcode: 0, errmsg: 'ok', msgid });
  };
  // The executor turns a throw into a rejection, as an async handler would.
  host.addMultipartAction('wx.openApi', (parts, caller) => new Promise((resolve) => resolve(openApi(parts, caller))));

  host.addRoute('GET', '/__emulator/outbox', (_req, res) => sendJson(res, 200, { messages: table.all() }));
  host.addRoute('DELETE', '/__emulator/outbox', (_req, res) => sendJson(res, 200, { cleared: clearOutbox(host) }));
}

/** Scripts and tests (no function name) may call any API; a function needs the API in its config.json. */
function hasPermission(host: EmulatorHost, caller: AdminCaller, apiName: string): boolean {
  if (!caller.functionName) return true;
  return host.functions?.config(caller.functionName)?.permissions?.openapi?.includes(apiName) ?? false;
}

function reply(resp: Parameters<typeof encodeCommOpenApiResp>[0]): RawReply {
  return { contentType: 'application/octet-stream', body: encodeCommOpenApiResp(resp) };
}

/** A WeChat HTTP answer: JSON in respData, which the SDK parses (non-zero errcode → CloudSDKError). */
function wxReply(json: Record<string, unknown>): RawReply {
  return reply({ respData: Buffer.from(JSON.stringify(json)), contentType: 'application/json', httpCode: 200, errorCode: 0 });
}

/** Maximum lengths WeChat enforces per template keyword type (the key without its trailing digits). */
const KEYWORD_MAX_LENGTH: Record<string, number> = {
  thing: 20,
  number: 32,
  letter: 32,
  symbol: 5,
  character_string: 32,
  phone_number: 17,
  car_number: 8,
  name: 10,
  phrase: 5,
};
const STATES = ['developer', 'trial', 'formal'];
const LANGS = ['zh_CN', 'en_US', 'zh_HK', 'zh_TW'];

/** The first reason WeChat would refuse this subscribeMessage.send body, or undefined. */
export function validateSubscribeMessage(body: Record<string, unknown>): string | undefined {
  const nonEmpty = (v: unknown) => typeof v === 'string' && v.length > 0;
  if (!nonEmpty(body.touser)) return 'touser is required and must be a non-empty string';
  if (!nonEmpty(body.template_id)) return 'template_id is required and must be a non-empty string';
  if (body.page !== undefined && typeof body.page !== 'string') return 'page must be a string';
  if (body.miniprogram_state !== undefined && !STATES.includes(body.miniprogram_state as string)) {
    return `miniprogram_state must be one of ${STATES.join(', ')}`;
  }
  if (body.lang !== undefined && !LANGS.includes(body.lang as string)) return `lang must be one of ${LANGS.join(', ')}`;
  const data = body.data;
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return 'data is required and must be an object';
  if (Object.keys(data).length === 0) return 'data must not be empty';
  for (const [key, item] of Object.entries(data as Record<string, unknown>)) {
    const value = (item as { value?: unknown } | null)?.value;
    if (item === null || typeof item !== 'object' || typeof value !== 'string') return `data.${key} must be {value: string}`;
    const max = KEYWORD_MAX_LENGTH[key.replace(/\d+$/, '')];
    if (max !== undefined && [...value].length > max) return `data.${key}.value is longer than ${max} characters`;
  }
  return undefined;
}
