import type { ListSort } from '../../../typings/product';
import { SORT_TABS, type SortTab, nextSort, tabOf } from '../../utils/product-sort';

/**
 * The sort tabs above a product list: 综合, 销量, 价格 (up, then down on a second tap, with an arrow), 新品. Fires
 * `change` with the new `sort` (a value of `product.list`'s `sort`).
 */
Component({
  properties: {
    sort: { type: String, value: 'default' },
  },
  data: {
    tabs: SORT_TABS.map((t) => ({ ...t })),
    active: 'default' as SortTab,
    arrow: '',
  },
  observers: {
    sort(sort: ListSort) {
      this.setData({ active: tabOf(sort), arrow: sort === 'price_asc' ? '↑' : sort === 'price_desc' ? '↓' : '' });
    },
  },
  methods: {
    choose(e: WechatMiniprogram.TouchEvent<Record<string, never>, Record<string, never>, { tab: SortTab }>) {
      const current = this.data.sort as ListSort;
      const sort = nextSort(current, e.currentTarget.dataset.tab);
      if (sort !== current) this.triggerEvent('change', { sort });
    },
  },
});
