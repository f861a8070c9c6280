import protobuf from 'protobufjs';

/**
 * The protobuf messages of the `wx.openApi` transport (see docs/wire-protocol.md), with the field numbers of the schema
 * bundled in wx-server-sdk 4.0.2. Only what the emulator reads or writes is declared; the decoder skips the other fields.
 */
const root = protobuf.Root.fromJSON({
  nested: {
    KeyValuePair: {
      fields: {
        key: { type: 'string', id: 1 },
        value: { type: 'bytes', id: 2 },
        contenttype: { type: 'string', id: 3 },
        filename: { type: 'string', id: 4 },
      },
    },
    OpenApiData: { fields: { pairs: { rule: 'repeated', type: 'KeyValuePair', id: 1 } } },
    SvrkitApiData: { fields: { apiName: { type: 'string', id: 1 }, reqData: { type: 'bytes', id: 2 } } },
    CommApiData: {
      fields: {
        apiType: { type: 'int32', id: 1 },
        openapiData: { type: 'OpenApiData', id: 2 },
        svrkitData: { type: 'SvrkitApiData', id: 4 },
        appid: { type: 'string', id: 6 },
      },
    },
    HttpHeader: { fields: { key: { type: 'string', id: 1 }, value: { type: 'string', id: 2 } } },
    CommOpenApiResp: {
      fields: {
        respData: { type: 'bytes', id: 1 },
        contentType: { type: 'string', id: 2 },
        errorCode: { type: 'int32', id: 3 },
        httpCode: { type: 'uint32', id: 4 },
        headers: { rule: 'repeated', type: 'HttpHeader', id: 5 },
        svrkitErrorCode: { type: 'int32', id: 6 },
      },
    },
  },
});

const CommApiDataType = root.lookupType('CommApiData');
const CommOpenApiRespType = root.lookupType('CommOpenApiResp');

export const ApiType = { OPEN_API: 0, INNER_API: 1, SVRKIT_API: 2, TOKEN_API: 3 } as const;

export interface KeyValuePair {
  key: string;
  value: Buffer;
  contenttype?: string;
  filename?: string;
}

export interface CommApiData {
  apiType: number;
  pairs: KeyValuePair[];
  svrkitApiName?: string;
  appid?: string;
}

export interface CommOpenApiResp {
  respData?: Buffer;
  contentType?: string;
  errorCode?: number;
  httpCode?: number;
  svrkitErrorCode?: number;
}

/** Throws on bytes that are not a CommApiData message. */
export function decodeCommApiData(bytes: Buffer): CommApiData {
  const msg = CommApiDataType.toObject(CommApiDataType.decode(bytes), { defaults: true }) as {
    apiType: number;
    openapiData?: { pairs?: Array<{ key: string; value: Uint8Array; contenttype: string; filename: string }> };
    svrkitData?: { apiName: string };
    appid: string;
  };
  return {
    apiType: msg.apiType,
    pairs: (msg.openapiData?.pairs ?? []).map((p) => ({
      key: p.key,
      value: Buffer.from(p.value),
      ...(p.contenttype ? { contenttype: p.contenttype } : {}),
      ...(p.filename ? { filename: p.filename } : {}),
    })),
    ...(msg.svrkitData?.apiName ? { svrkitApiName: msg.svrkitData.apiName } : {}),
    ...(msg.appid ? { appid: msg.appid } : {}),
  };
}

export function encodeCommApiData(data: CommApiData): Buffer {
  const message = CommApiDataType.fromObject({
    apiType: data.apiType,
    openapiData: { pairs: data.pairs },
    ...(data.appid ? { appid: data.appid } : {}),
  });
  return Buffer.from(CommApiDataType.encode(message).finish());
}

export function encodeCommOpenApiResp(resp: CommOpenApiResp): Buffer {
  return Buffer.from(CommOpenApiRespType.encode(CommOpenApiRespType.fromObject(resp)).finish());
}

export function decodeCommOpenApiResp(bytes: Buffer): CommOpenApiResp {
  return CommOpenApiRespType.toObject(CommOpenApiRespType.decode(bytes), { defaults: true });
}
