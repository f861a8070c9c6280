/** Placeholder of 「商品列表」 until its page is built (issue 15). */
Component({});
