import { randomUUID } from 'node:crypto';
import { ImageUploadInput, ImageUrlsInput, type ImageUrls, type UploadedImage } from '../../../typings/admin-catalog.js';
import { ErrorCode } from '../../../typings/common.js';
import { ShopError } from '../../shared/rules/errors.js';
import { IMAGE_EXTENSIONS, sniffImageType } from '../../shared/rules/image-types.js';
import { storeFile, temporaryUrls } from '../../shared/platform/storage.js';
import { adminRoute } from '../rbac.js';

/**
 * Images of products, their details and banners, uploaded from the admin page (docs/back-office/catalog.md). The
 * file goes to `admin/images/<yyyy-mm>/<random>.<ext>`: a new name per upload, so an edit never changes an image
 * a live product or an old order still shows.
 */

export const upload = adminRoute('catalog.write', ImageUploadInput, async (input, ctx): Promise<UploadedImage> => {
  const bytes = Buffer.from(input.data, 'base64');
  const sniffed = sniffImageType(bytes);
  if (sniffed !== input.contentType) {
    throw new ShopError(ErrorCode.VALIDATION, '文件内容不是所选类型的图片，请换一张 JPG、PNG、WebP 或 GIF 图片');
  }
  const month = ctx.now.toISOString().slice(0, 7);
  const cloudPath = `admin/images/${month}/${randomUUID().replaceAll('-', '')}.${IMAGE_EXTENSIONS[sniffed]}`;
  const fileId = await storeFile(cloudPath, bytes);
  const [url] = await temporaryUrls([fileId]);
  return { fileId, url: url ?? '' };
});

export const urls = adminRoute('catalog.read', ImageUrlsInput, async (input): Promise<ImageUrls> => {
  const found = await temporaryUrls(input.fileIds);
  return input.fileIds.map((fileId, i) => ({ fileId, url: found[i] ?? '' }));
});
