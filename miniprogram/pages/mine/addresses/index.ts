/** Placeholder of 「收货地址」 until its page is built (issue 15). */
Component({});
