/** Placeholder of 「商品详情」 until its page is built (issue 15). */
Component({});
