import { keptPage } from '../kept-page';

/** 浏览足迹: products viewed in the last 90 days, last viewed first, with 清空 (pages/mine/kept-page.ts). */
keptPage('footprints');
