/**
 * 帮助与客服: answers to what shoppers ask most (orders, payment, shipping, refunds, coupons and points), each opened
 * with a tap, and 联系客服 (`<button open-type="contact">`: WeChat's customer-service chat).
 */

interface Question {
  q: string;
  a: string;
}

interface Section {
  title: string;
  questions: Question[];
}

const SECTIONS: Section[] = [
  {
    title: '订单与支付',
    questions: [
      {
        q: '下单后多久需要付款？',
        a: '订单提交后请在页面显示的倒计时内完成支付，超时未付款的订单会自动取消，占用的库存、优惠券和积分会退回。',
      },
      {
        q: '可以取消订单吗？',
        a: '待付款的订单可在订单详情中直接取消。已付款但未发货的订单，可在订单详情中申请退款。',
      },
      {
        q: '支付遇到问题怎么办？',
        a: '请确认微信支付余额或银行卡状态正常后重试；如已扣款但订单仍显示待付款，请稍候刷新或联系客服。',
      },
    ],
  },
  {
    title: '配送与收货',
    questions: [
      { q: '什么时候发货？', a: '一般在付款后 48 小时内发货（拼团订单在成团后发货），发货后可在订单详情查看物流公司和运单号。' },
      { q: '运费怎么算？', a: '运费在确认订单页显示，满足包邮条件的订单免运费。' },
      { q: '收到货后需要做什么？', a: '请在订单详情中点击「确认收货」，确认后可以发表评价。长时间未确认的订单会自动确认收货。' },
    ],
  },
  {
    title: '退款与售后',
    questions: [
      {
        q: '如何申请退款或退货？',
        a: '在订单详情中选择「申请售后」，填写原因并可上传照片。商家同意后，需要退货的请按提示寄回并填写退货运单号。',
      },
      { q: '退款多久到账？', a: '退款会原路退回到支付账户，一般 1–3 个工作日到账，具体以微信支付通知为准。' },
      { q: '优惠券和积分会退回吗？', a: '订单取消或全额退款后，使用的优惠券（仍在有效期内）和抵扣的积分会退回账户。' },
    ],
  },
  {
    title: '优惠与会员',
    questions: [
      { q: '优惠券怎么用？', a: '在领券中心领取后，确认订单时会自动选择最优惠的可用券，也可以手动更换。' },
      { q: '积分怎么获得？', a: '每日签到和完成订单都可以获得积分，积分可在下单时抵扣部分金额。' },
    ],
  },
];

Component({
  data: {
    sections: SECTIONS.map((s, i) => ({
      ...s,
      key: `s${i}`,
      questions: s.questions.map((q, j) => ({ ...q, key: `s${i}q${j}` })),
    })),
    open: '',
  },
  methods: {
    toggle(e: WechatMiniprogram.TouchEvent<Record<string, never>, Record<string, never>, { key: string }>) {
      const { key } = e.currentTarget.dataset;
      this.setData({ open: this.data.open === key ? '' : key });
    },
  },
});
