/** Placeholder of 「支付结果」 until its page is built (issue 15). */
Component({});
