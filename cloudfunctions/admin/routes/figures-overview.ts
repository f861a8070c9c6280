import { type FiguresOverview, OverviewInput } from '../../../typings/admin-figures.js';
import { overviewOf } from '../../shared/rules/figures.js';
import { readRollUps } from '../../shared/store/daily-rollups.js';
import { adminRoute } from '../rbac.js';

/** The figures of a range of days, from the jobs timer's daily roll-ups (docs/back-office/figures.md). */
export const overview = adminRoute('figures.read', OverviewInput, async ({ from, to }): Promise<FiguresOverview> =>
  overviewOf(from, to, await readRollUps(from, to)),
);
