import test from 'ava';
import { sniffImageType } from './image-types.js';

const bytes = (...b: number[]) => Uint8Array.from(b);

test('images are known by their bytes', (t) => {
  t.is(sniffImageType(bytes(0xff, 0xd8, 0xff, 0xe0)), 'image/jpeg');
  t.is(sniffImageType(bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0)), 'image/png');
  t.is(sniffImageType(Buffer.from('GIF89a')), 'image/gif');
  t.is(sniffImageType(Buffer.from('RIFF\x10\x00\x00\x00WEBPVP8 ', 'latin1')), 'image/webp');
});

test('anything else is not an image, whatever it claims', (t) => {
  t.is(sniffImageType(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>')), undefined);
  t.is(sniffImageType(Buffer.from('<html><script>alert(1)</script>')), undefined);
  t.is(sniffImageType(Buffer.from('RIFF\x10\x00\x00\x00WAVEfmt ', 'latin1')), undefined);
  t.is(sniffImageType(bytes()), undefined);
  t.is(sniffImageType(bytes(0xff, 0xd8)), undefined);
});
