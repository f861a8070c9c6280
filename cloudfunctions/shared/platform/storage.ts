import { cloud } from './cloud.js';

/** Cloud storage through wx-server-sdk: what the functions store and how a browser gets to see it. */

/** How long a temporary URL lasts (the platform's default is two hours too). */
const URL_MAX_AGE_S = 2 * 60 * 60;

/** Stores `bytes` at `cloudPath` and answers the file id (`cloud://env.bucket/path`). */
export async function storeFile(cloudPath: string, bytes: Buffer): Promise<string> {
  return (await cloud.uploadFile({ cloudPath, fileContent: bytes })).fileID;
}

/** Temporary URLs for file ids, in order; empty for a file that does not exist (any more). */
export async function temporaryUrls(fileIds: string[]): Promise<string[]> {
  const answer = await cloud.getTempFileURL({ fileList: fileIds.map((fileID) => ({ fileID, maxAge: URL_MAX_AGE_S })) });
  const byId = new Map((answer?.fileList ?? []).map((f) => [f.fileID, f.status === 0 ? f.tempFileURL : '']));
  return fileIds.map((id) => byId.get(id) ?? '');
}
