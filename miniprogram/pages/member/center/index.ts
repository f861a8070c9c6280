/** Placeholder of 「会员中心」 until its page is built (issue 15). */
Component({});
