import { MessagePlugin } from 'tdesign-vue-next';
import type { RefundApproval } from '../../../../typings/admin';
import { yuan } from '../../utils/money';

/** Tells the merchant what an approval or a receipt did: refund sent, waiting for the return, or WeChat Pay refused. */
export function refundOutcome(answer: RefundApproval): void {
  const fee = yuan(answer.afterSale.refundFee);
  if (answer.refundIssued) void MessagePlugin.success(`已同意，${fee} 将原路退回买家`);
  else if (answer.refundError)
    void MessagePlugin.warning(`已同意，但微信支付暂未受理退款（${answer.refundError}），系统会自动重试`, 6000);
  else void MessagePlugin.success('已同意退货，等待买家寄回商品');
}
