/** Placeholder of 「订单详情」 until its page is built (issue 15). */
Component({});
