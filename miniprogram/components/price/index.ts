import { fenParts, formatFen } from '../../utils/money';

/**
 * A price in fen, drawn as ¥ + yuan + small cents; `max` above `fen` adds 「起」 (a range's lowest price), and
 * `original` above `fen` is struck through beside it (the price before a promotion).
 */
Component({
  properties: {
    fen: { type: Number, value: 0 },
    max: { type: Number, value: 0 },
    original: { type: Number, value: 0 },
    /** `small` on cards, `medium` in lists, `large` on a product's page. */
    size: { type: String, value: 'medium' },
  },
  data: { sign: '', yuan: '0', cents: '00', from: false, originalText: '' },
  observers: {
    'fen, max, original'() {
      this.draw();
    },
  },
  lifetimes: {
    attached() {
      this.draw();
    },
  },
  methods: {
    draw() {
      const { fen, max, original } = this.data;
      this.setData({ ...fenParts(fen), from: max > fen, originalText: original > fen ? formatFen(original) : '' });
    },
  },
});
