import type { FiguresSummary } from '../../../../typings/admin-figures';

type FunnelKey = keyof FiguresSummary['funnel'];

/** The funnel's steps in order, as the page and its chart name them. */
export const FUNNEL_STEPS: Array<{ key: FunnelKey; label: string }> = [
  { key: 'visitors', label: '访问' },
  { key: 'productViewers', label: '浏览商品' },
  { key: 'cartAdders', label: '加购' },
  { key: 'orderCreators', label: '下单' },
  { key: 'payingShoppers', label: '支付' },
];
