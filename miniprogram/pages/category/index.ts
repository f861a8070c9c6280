/** Placeholder of the 「分类」 tab until its page is built (issue 15). */
Component({});
