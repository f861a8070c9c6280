import {
  type CustomerDetail,
  CustomerDetailInput,
  type CustomerPage,
  CustomersListInput,
  type RfmOverview,
  RfmInput,
} from '../../../typings/admin-figures.js';
import { rfmOverview } from '../../shared/rules/rfm.js';
import { customerDetail, customersRfm, listCustomers } from '../../shared/store/customers.js';
import { adminRoute } from '../rbac.js';

/** Customers and their RFM segments (docs/back-office/figures.md); phone and street always masked. */

export const list = adminRoute('customers.read', CustomersListInput, (input, ctx): Promise<CustomerPage> =>
  listCustomers(input, ctx.now),
);

export const detail = adminRoute('customers.read', CustomerDetailInput, ({ openid }, ctx): Promise<CustomerDetail> =>
  customerDetail(openid, ctx.now),
);

export const rfm = adminRoute('figures.read', RfmInput, async (_input, ctx): Promise<RfmOverview> =>
  rfmOverview(await customersRfm(ctx.now)),
);
