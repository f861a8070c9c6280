/** Placeholder of 「确认订单」 until its page is built (issue 15). */
Component({});
