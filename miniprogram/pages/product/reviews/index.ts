/** Placeholder of 「商品评价」 until its page is built (issue 15). */
Component({});
