import type { SpecDimension } from '../../../typings/product';
import {
  type Choice,
  type DimensionOptions,
  type PickableSku,
  choose,
  chosenSku,
  clampQuantity,
  initialChoice,
  missingDimensions,
  optionsOf,
  priceSpan,
  quantityLimit,
  retain,
  specText,
} from '../../utils/sku';

/** A button at the foot of the picker; its `key` comes back in `confirm`. */
export interface PickerAction {
  key: string;
  text: string;
}

/** What `confirm` and `change` carry. */
export interface PickerDetail {
  action: string;
  skuId: string;
  quantity: number;
  /** The chosen values, `黑色 / M`, or what is still to choose. */
  text: string;
  complete: boolean;
}

/** What each picker last announced in `change` (observers re-run on every update of the page around it). */
const announced = new WeakMap<object, string>();

type Tap = WechatMiniprogram.TouchEvent<
  Record<string, never>,
  Record<string, never>,
  { dim?: string; value?: string; key?: string }
>;

/**
 * The SKU picker (规格弹层): the product's spec matrix in a bottom popup, one value per dimension; a value whose every
 * combination with the rest of the choice is out of stock is disabled. It shows the chosen SKU's price, stock and
 * image, and a quantity stepper within the stock (and `maxQuantity`, a promotion's limit). The page passes the SKUs
 * being sold (a promotion passes its own price and units) and the actions; a tap on one fires `confirm`.
 */
Component({
  properties: {
    visible: { type: Boolean, value: false },
    specs: { type: Array, value: [] as SpecDimension[] },
    skus: { type: Array, value: [] as PickableSku[] },
    /** Preselected when it has stock (the SKU a promotion is on). */
    preferredSkuId: { type: String, value: '' },
    /** The product's image, until a SKU with its own is chosen. */
    image: { type: String, value: '' },
    /** Above the price: `秒杀价`, `拼团价`… */
    priceLabel: { type: String, value: '' },
    /** A limit besides the stock (0: none). */
    maxQuantity: { type: Number, value: 0 },
    actions: { type: Array, value: [] as PickerAction[] },
    /** A call is on its way: the actions wait. */
    busy: { type: Boolean, value: false },
  },
  data: {
    choice: {},
    options: [] as DimensionOptions[],
    quantity: 1,
    limit: 0,
    minPrice: 0,
    maxPrice: 0,
    stock: 0,
    picture: '',
    chosenText: '',
    missingText: '',
    skuId: '',
    soldOut: false,
  },
  observers: {
    'specs, skus, preferredSkuId'() {
      this.start();
    },
    'maxQuantity, image'() {
      this.draw(this.data.choice);
    },
  },
  lifetimes: {
    attached() {
      this.start();
    },
  },
  methods: {
    /** The SKUs changed (another variant): what can still be bought of the choice stays chosen. */
    start() {
      const { specs, skus, preferredSkuId } = this.data;
      const kept = retain(specs, skus, this.data.choice);
      const preferred = skus.find((s) => s.skuId === preferredSkuId && s.stock > 0);
      const choice = preferred || !Object.keys(kept).length ? initialChoice(specs, skus, preferred?.skuId) : kept;
      this.draw(choice);
    },
    draw(choice: Choice) {
      const { specs, skus, quantity } = this.data;
      const sku = chosenSku(specs, skus, choice);
      const span = sku ? { min: sku.price, max: sku.price } : priceSpan(skus);
      const missing = missingDimensions(specs, choice);
      const stock = sku ? sku.stock : skus.reduce((n, s) => n + Math.max(0, s.stock), 0);
      const limit = sku ? quantityLimit(sku.stock, this.data.maxQuantity) : quantityLimit(stock, this.data.maxQuantity);
      const chosenText = sku ? specText(specs, sku.specValues) : '';
      this.setData({
        choice,
        options: optionsOf(specs, skus, choice),
        minPrice: span.min,
        maxPrice: span.max,
        stock,
        limit,
        quantity: clampQuantity(quantity, limit),
        picture: (sku && sku.image) || this.data.image,
        skuId: sku ? sku.skuId : '',
        chosenText,
        missingText: missing.length ? `请选择 ${missing.join(' ')}` : '',
        soldOut: !skus.some((s) => s.stock > 0),
      });
      const detail = this.detail('');
      const said = JSON.stringify(detail);
      if (announced.get(this) !== said) {
        announced.set(this, said);
        this.triggerEvent('change', detail);
      }
    },
    detail(action: string): PickerDetail {
      const { skuId, quantity, chosenText, missingText } = this.data;
      return { action, skuId, quantity, text: skuId ? chosenText : missingText, complete: Boolean(skuId) };
    },

    pick(e: Tap) {
      const { dim, value } = e.currentTarget.dataset;
      if (dim === undefined || value === undefined) return;
      const { specs, skus, choice } = this.data;
      const next = choose(specs, skus, choice, dim, value);
      if (next !== choice) this.draw(next);
    },
    onQuantity(e: WechatMiniprogram.CustomEvent<{ value: number }>) {
      this.setData({ quantity: clampQuantity(Number(e.detail.value), this.data.limit) });
    },
    act(e: Tap) {
      const { key } = e.currentTarget.dataset;
      if (!key || this.data.busy) return;
      const { missingText, skuId, limit } = this.data;
      if (!skuId) {
        void wx.showToast({ title: missingText || '请选择规格', icon: 'none' });
        return;
      }
      if (limit < 1) {
        void wx.showToast({ title: '该规格已售罄', icon: 'none' });
        return;
      }
      this.triggerEvent('confirm', this.detail(key));
    },
    close() {
      this.triggerEvent('close');
    },
    onVisibleChange(e: WechatMiniprogram.CustomEvent<{ visible: boolean }>) {
      if (!e.detail.visible) this.close();
    },
  },
});
