import { backend, LOCAL_EMULATOR } from '../config';
import { NETWORK_MESSAGE, ServiceError } from './errors';

/**
 * Photos the shopper uploads (reviews, after-sale requests, avatar) go to the environment's cloud storage; the
 * functions accept only files of the shop's own storage. With the local emulator (config.ts) the bytes go to its
 * storage instead (`PUT /__emulator/storage/files/<cloudPath>`), which answers the same kind of `cloud://` file id.
 */

export type UploadFolder = 'reviews' | 'after-sales' | 'avatars';

/** A new storage path in the folder, unique enough for one shopper's uploads: `reviews/1733390000000-k3j9x2.png`. */
export function cloudPathFor(folder: UploadFolder, filePath: string, now = Date.now()): string {
  const ext = /\.([A-Za-z0-9]{1,5})$/.exec(filePath)?.[1]?.toLowerCase() ?? 'jpg';
  return `${folder}/${now}-${Math.random().toString(36).slice(2, 8)}.${ext}`;
}

/** Uploads one local file (a `tempFilePath`) and answers its file id. */
export async function uploadFile(filePath: string, folder: UploadFolder): Promise<string> {
  const cloudPath = cloudPathFor(folder, filePath);
  try {
    if (backend() === 'local') return await uploadToEmulator(LOCAL_EMULATOR.url, filePath, cloudPath);
    return (await wx.cloud.uploadFile({ cloudPath, filePath })).fileID;
  } catch (err) {
    if (err instanceof ServiceError) throw err;
    throw new ServiceError('NETWORK', NETWORK_MESSAGE);
  }
}

/** The emulator's storage at `url` (exported for its test, which runs the emulator on another port). */
export function uploadToEmulator(url: string, filePath: string, cloudPath: string): Promise<string> {
  const bytes = wx.getFileSystemManager().readFileSync(filePath) as ArrayBuffer;
  return new Promise((resolve, reject) => {
    wx.request({
      url: `${url}/__emulator/storage/files/${cloudPath}`,
      method: 'PUT',
      data: bytes,
      header: { 'content-type': 'application/octet-stream' },
      success: (res) => {
        const fileID = (res.data as { fileID?: string } | null)?.fileID;
        if (res.statusCode === 200 && fileID) resolve(fileID);
        else reject(new ServiceError('NETWORK', NETWORK_MESSAGE));
      },
      fail: () => reject(new ServiceError('NETWORK', NETWORK_MESSAGE)),
    });
  });
}
