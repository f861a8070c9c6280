import type { ProductCard } from '../../../typings/product';
import { openPage } from '../../utils/navigation';
import { PAGES, pageUrl } from '../../utils/pages';

/** A product in a grid (home, lists, search): image, title, price from the lowest SKU, sales; a tap opens the product. */
Component({
  properties: {
    product: { type: Object, value: {} as ProductCard },
  },
  data: { salesText: '' },
  observers: {
    product(product: ProductCard) {
      this.setData({ salesText: salesText(product.sales ?? 0) });
    },
  },
  methods: {
    open() {
      const { spuId } = this.data.product;
      if (spuId) openPage(pageUrl(PAGES.productDetail, { spuId }));
    },
  },
});

/** `已售 236`, `已售 1.2万` */
function salesText(sales: number): string {
  return sales >= 10000 ? `已售 ${(Math.floor(sales / 1000) / 10).toFixed(1)}万` : `已售 ${sales}`;
}
