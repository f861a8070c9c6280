/** Placeholder of 「我的优惠券」 until its page is built (issue 15). */
Component({});
