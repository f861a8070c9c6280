import type { FlashSaleIdInput, FlashSaleListInput, FlashSaleView } from '../../typings/flashsale';
import type {
  CategoriesInput,
  Category,
  DetailInput,
  HomeData,
  HomeInput,
  ListData,
  ListInput,
  ProductDetail,
} from '../../typings/product';
import type { EventsInput, TrackResult } from '../../typings/track';

/**
 * The routes the app calls, each as `[parameters, answer]`, from the contract in `typings/` (docs/routes.md). A page's
 * routes are added here with the page; `call()` takes its types from this map.
 */
export interface Routes {
  product: {
    home: [HomeInput, HomeData];
    categories: [CategoriesInput, Category[]];
    list: [ListInput, ListData];
    detail: [DetailInput, ProductDetail];
  };
  flashsale: {
    list: [FlashSaleListInput, FlashSaleView[]];
    detail: [FlashSaleIdInput, FlashSaleView];
  };
  track: {
    events: [EventsInput, TrackResult];
  };
}

export type FunctionName = keyof Routes;
export type RouteName<N extends FunctionName> = keyof Routes[N] & string;
export type ParamsOf<N extends FunctionName, R extends RouteName<N>> = Routes[N][R] extends [infer P, unknown] ? P : never;
export type AnswerOf<N extends FunctionName, R extends RouteName<N>> = Routes[N][R] extends [unknown, infer A] ? A : never;
