import { call } from './client';

/**
 * Images in cloud storage, as the page shows and uploads them. A file id (`cloud://…`) is not a URL: `images.urls`
 * answers temporary ones, kept here so a page asks once per image.
 */
const urls = new Map<string, string>();

const TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/gif'] as const;
type ImageType = (typeof TYPES)[number];
export const MAX_IMAGE_BYTES = 2 * 1024 * 1024;

/** URLs for file ids (empty for a missing file), fetched in batches of 50 for those not known yet. */
export async function imageUrls(fileIds: readonly string[]): Promise<Map<string, string>> {
  const missing = [...new Set(fileIds.filter((id) => id.startsWith('cloud://') && !urls.has(id)))];
  for (let i = 0; i < missing.length; i += 50) {
    for (const { fileId, url } of await call('images.urls', { fileIds: missing.slice(i, i + 50) })) urls.set(fileId, url);
  }
  return new Map(fileIds.map((id) => [id, urls.get(id) ?? (id.startsWith('cloud://') ? '' : id)]));
}

/** Checks a chosen file before sending it; answers the Chinese reason it cannot be uploaded. */
export function imageProblem(file: File): string | undefined {
  if (!(TYPES as readonly string[]).includes(file.type)) return '只支持 JPG、PNG、WebP 或 GIF 图片';
  if (file.size > MAX_IMAGE_BYTES) return '图片不能超过 2 MB';
  return undefined;
}

/** Uploads one image (checked with imageProblem first) and answers its file id. */
export async function uploadImage(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  const uploaded = await call('images.upload', { contentType: file.type as ImageType, data: btoa(binary) });
  urls.set(uploaded.fileId, uploaded.url);
  return uploaded.fileId;
}
