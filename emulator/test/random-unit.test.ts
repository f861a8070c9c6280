import test from 'ava';
import { randomHex } from '../src/random.js';

test('randomHex gives the asked length, across pool refills, and does not repeat', (t) => {
  const seen = new Set<string>();
  // 4 KiB pools: 3,000 ids of 12 bytes refill several times.
  for (let i = 0; i < 3000; i++) {
    const id = randomHex(12);
    t.regex(id, /^[0-9a-f]{24}$/);
    seen.add(id);
  }
  t.is(seen.size, 3000);
  t.regex(randomHex(5000), /^[0-9a-f]{10000}$/);
});
