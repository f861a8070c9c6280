/** Placeholder of 「我的订单」 until its page is built (issue 15). */
Component({});
