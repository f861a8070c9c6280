import { Busboy, type BusboyFileStream, type BusboyHeaders, type BusboyInstance } from '@fastify/busboy';
import type { IncomingHttpHeaders } from 'node:http';

/**
 * Every part of a multipart/form-data body as raw bytes. The SDK sends protobuf in parts that have a content type but
 * no filename (`wx.openApi`, `wx.wxPayApi`), which plain form parsers decode as text; `isPartAFile` keeps them binary.
 */
export function parseMultipart(headers: IncomingHttpHeaders, body: Buffer): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    const parts = new Map<string, Buffer>();
    let parser: BusboyInstance;
    try {
      parser = new Busboy({ headers: headers as BusboyHeaders, isPartAFile: () => true, limits: { fileSize: 50 * 1024 * 1024 } });
    } catch (err) {
      reject(err instanceof Error ? err : new Error(String(err)));
      return;
    }
    parser.on('file', (name: string, stream: BusboyFileStream) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => parts.set(name, Buffer.concat(chunks)));
    });
    parser.on('error', reject);
    parser.on('finish', () => resolve(parts));
    parser.end(body);
  });
}
