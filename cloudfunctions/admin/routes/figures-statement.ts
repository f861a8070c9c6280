import { type Statement, StatementInput } from '../../../typings/admin-figures.js';
import { statementConfig } from '../../shared/rules/statement.js';
import { statementFor } from '../../shared/store/daily-rollups.js';
import { adminRoute } from '../rbac.js';

/** The finance statement of a range of days (docs/back-office/figures.md), from the orders' payment records. */
export const statement = adminRoute('finance.read', StatementInput, ({ from, to }): Promise<Statement> =>
  statementFor(from, to, statementConfig(process.env)),
);
