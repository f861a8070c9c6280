/** Placeholder of 「帮助与客服」 until its page is built (issue 15). */
Component({});
