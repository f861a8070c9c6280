import { FigureRoutes } from '../../../typings/admin-figures.js';
import * as customers from './customers-list.js';
import { campaigns, winBack } from './customers-winback.js';
import { overview } from './figures-overview.js';
import { statement } from './figures-statement.js';

/** The back office's figures, customers and finance statement (typings/admin-figures.ts, docs/back-office/figures.md). */
export const figureRoutes = {
  [FigureRoutes.overview]: overview,
  [FigureRoutes.rfm]: customers.rfm,
  [FigureRoutes.customersList]: customers.list,
  [FigureRoutes.customersDetail]: customers.detail,
  [FigureRoutes.statement]: statement,
  [FigureRoutes.winBack]: winBack,
  [FigureRoutes.campaigns]: campaigns,
};
