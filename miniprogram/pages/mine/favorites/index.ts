import { keptPage } from '../kept-page';

/** 我的收藏: the shopper's favorites, newest first (pages/mine/kept-page.ts). */
keptPage('favorites');
