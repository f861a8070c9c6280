import test from 'ava';
import { adminCall } from '../../testkit/merchant.js';
import { dataOf, startShop } from '../../testkit/shop.js';
import { MAX_IMAGE_BYTES, type ImageUrls, type UploadedImage } from '../../typings/admin-catalog.js';

/**
 * Images uploaded from the admin page through the real `admin` function into the emulator's cloud storage, then
 * fetched back over the temporary URL a browser would load.
 */
const shop = await startShop({ only: ['admin'] });
test.after.always(() => shop.close());

const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da6364f8ffbf1e000502027f3e6a5b4f0000000049454e44ae426082',
  'hex',
);

test('an uploaded image is stored under admin/images and served back byte for byte', async (t) => {
  const uploaded = dataOf(
    await adminCall<UploadedImage>(shop, 'images.upload', { contentType: 'image/png', data: PNG.toString('base64') }),
  );
  t.regex(uploaded.fileId, /^cloud:\/\/[^/]+\/admin\/images\/\d{4}-\d{2}\/[0-9a-f]{32}\.png$/);
  const res = await fetch(uploaded.url);
  t.is(res.status, 200);
  t.deepEqual(Buffer.from(await res.arrayBuffer()), PNG);

  const [again, missing] = dataOf(
    await adminCall<ImageUrls>(shop, 'images.urls', {
      fileIds: [uploaded.fileId, uploaded.fileId.replace(/[0-9a-f]{32}/, '0'.repeat(32))],
    }),
  );
  t.is(again!.fileId, uploaded.fileId);
  t.deepEqual(Buffer.from(await (await fetch(again!.url)).arrayBuffer()), PNG);
  t.is(missing!.url, '', 'a file that does not exist has no URL');
});

test('bytes that are not the image type named, or too many, are refused with a Chinese message', async (t) => {
  const page = Buffer.from('<html><script>alert(1)</script></html>').toString('base64');
  for (const params of [
    { contentType: 'image/png', data: page },
    { contentType: 'image/jpeg', data: PNG.toString('base64') },
    { contentType: 'image/svg+xml', data: page },
    { contentType: 'image/png', data: 'not base64!' },
    { contentType: 'image/png', data: 'A'.repeat(Math.ceil(MAX_IMAGE_BYTES / 3) * 4 + 4) },
  ]) {
    const answer = await adminCall(shop, 'images.upload', params);
    t.false(answer.ok);
    if (!answer.ok) {
      t.is(answer.code, 'VALIDATION');
      t.regex(answer.message, /[\u4e00-\u9fff]/);
    }
  }
});

test('a 客服 may see images but not upload them', async (t) => {
  const answer = await adminCall(
    shop,
    'images.upload',
    { contentType: 'image/png', data: PNG.toString('base64') },
    { role: 'service' },
  );
  t.like(answer, { ok: false, code: 'FORBIDDEN' });
});
