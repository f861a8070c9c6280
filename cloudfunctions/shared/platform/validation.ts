import type { z } from 'zod';

/**
 * What a client is told when `serve()` refuses its parameters (VALIDATION): one Chinese sentence that names the field
 * as a person would. zod's zh-CN locale is not enough for that: it keeps English type names and operators ("期望
 * string，实际接收 undefined", ">=1") and never names the field. So every issue zod would word itself is worded here
 * (a per-parse error map, which zod consults after the schema's own message), and the Chinese messages the schemas
 * carry in typings/ are kept, completed with the field's name when they do not say it.
 */

/** Every key the contract's input schemas use, as the shopper or merchant would call it (a test checks none is missing). */
export const FIELD_LABELS: Readonly<Record<string, string>> = {
  accepted: '同意接收的消息',
  action: '操作',
  active: '是否启用',
  activityId: '活动编号',
  actor: '操作人',
  addressId: '收货地址编号',
  all: '全选',
  amount: '金额',
  anonymous: '是否匿名',
  attributes: '商品属性',
  avatarUrl: '头像',
  band: '评价类型',
  bannerId: '轮播图编号',
  barcode: '条形码',
  cap: '最高优惠金额',
  carrier: '快递公司',
  caseId: '售后单号',
  categoryId: '分类编号',
  checkin: '签到设置',
  city: '城市',
  claimEndAt: '领取截止时间',
  claimStartAt: '领取开始时间',
  code: '验证码',
  commissionBp: '佣金比例',
  contentType: '图片格式',
  couponId: '优惠券编号',
  current: '当前密码',
  cursor: '分页游标',
  cycleDays: '签到周期天数',
  data: '图片数据',
  day: '连续签到天数',
  days: '有效天数',
  delta: '库存变化量',
  description: '说明',
  detail: '详细地址',
  detailImages: '详情图片',
  discountBp: '折扣',
  district: '区县',
  earn: '积分获取设置',
  endAt: '结束时间',
  events: '事件列表',
  fileIds: '图片编号列表',
  flashSaleId: '秒杀活动编号',
  from: '开始时间',
  groupId: '团编号',
  growthPerYuan: '每元成长值',
  hidden: '是否隐藏',
  id: '编号',
  idempotencyKey: '请求编号',
  ids: '编号列表',
  image: '图片',
  images: '商品图片',
  index: '商品行序号',
  inviteCode: '邀请码',
  isDefault: '是否设为默认地址',
  items: '明细',
  keyword: '搜索关键词',
  kind: '类型',
  levels: '会员等级',
  lines: '商品清单',
  lowStockAt: '低库存阈值',
  maxPercentBp: '积分抵扣比例上限',
  maxQuantity: '每人限购数量',
  minGrowth: '起始成长值',
  minMembers: '起始人数',
  minWithdrawFen: '最低提现金额',
  month: '月份',
  name: '名称',
  next: '新密码',
  nickname: '昵称',
  note: '备注',
  off: '优惠金额',
  openid: '用户标识',
  orderId: '订单编号',
  originalPrice: '原价',
  page: '页面',
  pageSize: '每页条数',
  parentId: '上级分类',
  password: '密码',
  perUser: '每人限领数量',
  percent: '折扣百分比',
  phone: '手机号',
  photos: '图片',
  points: '积分',
  pointsPerYuan: '每元积分',
  price: '价格',
  province: '省份',
  quantity: '数量',
  rating: '评分',
  reason: '原因',
  redeem: '积分抵扣设置',
  referral: '分销设置',
  refundWindowDays: '退款期天数',
  remark: '备注',
  reply: '回复内容',
  result: '处理结果',
  reveal: '是否显示完整信息',
  reviewId: '评价编号',
  role: '角色',
  rule: '优惠规则',
  scope: '适用范围',
  segment: '客户分群',
  selected: '是否选中',
  set: '库存数量',
  skuId: '商品规格编号',
  skuIds: '商品规格编号列表',
  skus: '规格列表',
  sort: '排序方式',
  specValues: '规格组合',
  specs: '规格',
  spuId: '商品编号',
  spuIds: '商品编号列表',
  startAt: '开始时间',
  status: '状态',
  stock: '库存',
  streakBonuses: '连续签到奖励',
  subtitle: '副标题',
  tags: '标签',
  target: '操作对象',
  targetSize: '成团人数',
  templateId: '优惠券模板编号',
  text: '评价内容',
  threshold: '门槛金额',
  tiers: '阶梯价格',
  timeLimitMinutes: '成团时限（分钟）',
  title: '标题',
  to: '结束时间',
  total: '发放总量',
  trackingNo: '运单号',
  type: '类型',
  units: '活动库存',
  unreplied: '是否未回复',
  unsellable: '不可再售的商品',
  usePoints: '使用积分',
  username: '用户名',
  validity: '有效期',
  value: '值',
  values: '规格值',
  version: '版本号',
  withPhotos: '是否有图',
  withdrawalId: '提现申请编号',
};

type Issue = z.core.$ZodIssue;
type RawIssue = z.core.$ZodRawIssue;
type Path = readonly PropertyKey[];

/** A refusal answers `message`, the first of `messages` (one per issue). */
export type Parsed<T> = { success: true; data: T } | { success: false; message: string; messages: string[] };

/** Parses a route's parameters; a refusal's message is its first issue's, e.g. `参数不正确：缺少商品编号`. */
export function parseParams<S extends z.ZodType>(schema: S, params: unknown): Parsed<z.output<S>> {
  // Messages worded here, to tell them from the schemas' own (which may need the field's name added).
  const ours = new Set<string>();
  const parsed = schema.safeParse(params, {
    error: (issue) => {
      const message = describe(issue);
      ours.add(message);
      return message;
    },
  });
  if (parsed.success) return { success: true, data: parsed.data };
  const messages = parsed.error.issues.map((issue) => `参数不正确：${explain(issue, [], ours)}`);
  return { success: false, message: messages[0] ?? '参数不正确', messages };
}

/** The field at `path` in words: `['lines', 0, 'quantity']` → 商品清单第 1 项的数量. */
export function fieldLabel(path: Path): string {
  let label = '';
  for (const key of path) {
    if (typeof key === 'number') label += `第 ${key + 1} 项`;
    else label += `${label ? '的' : ''}${FIELD_LABELS[String(key)] ?? String(key)}`;
  }
  return label || '参数';
}

/** The issue's final message: ours as worded, a schema's own with the field named, a union's from its closest option. */
function explain(issue: Issue, prefix: Path, ours: Set<string>): string {
  const path = [...prefix, ...issue.path];
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    // The option the parameters came closest to (fewest issues) says best what is wrong.
    const closest = issue.errors.reduce((best, option) => (option.length < best.length ? option : best));
    if (closest[0]) return explain(closest[0], path, ours);
  }
  if (ours.has(issue.message) || path.length === 0) return issue.message;
  return withField(fieldLabel(path), issue.message);
}

/**
 * A schema's message starting with the end of its field's name is completed with the rest of it (`编号格式不正确` on
 * spuId → 商品编号格式不正确); the others are sentences of their own (请填写收货人) and stay as written.
 */
function withField(label: string, message: string): string {
  if (message.includes(label)) return message;
  for (let k = Math.min(label.length, message.length); k > 0; k--) {
    if (label.endsWith(message.slice(0, k))) return label + message.slice(k);
  }
  return message;
}

const TYPE_NAMES: Record<string, string> = {
  string: '字符串',
  number: '数字',
  int: '整数',
  boolean: 'true 或 false',
  array: '数组',
  object: '对象',
  record: '对象',
  null: 'null',
};

const list = (values: readonly unknown[]) => values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join('、');

/** One issue in Chinese, naming its field (the path is the issue's own; inside a union, relative to it). */
function describe(issue: RawIssue): string {
  const field = fieldLabel(issue.path ?? []);
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return `缺少${field}`;
      return `${field}应为${TYPE_NAMES[issue.expected] ?? issue.expected}`;
    case 'too_small': {
      const min = Number(issue.minimum);
      if (issue.origin === 'string') return min <= 1 ? `${field}不能为空` : `${field}至少 ${min} 个字符`;
      if (issue.origin === 'array' || issue.origin === 'set') return `${field}至少要有 ${min} 项`;
      return issue.inclusive ? `${field}不能小于 ${min}` : `${field}必须大于 ${min}`;
    }
    case 'too_big': {
      const max = Number(issue.maximum);
      if (issue.origin === 'string') return `${field}最多 ${max} 个字符`;
      if (issue.origin === 'array' || issue.origin === 'set') return `${field}最多 ${max} 项`;
      return issue.inclusive ? `${field}不能大于 ${max}` : `${field}必须小于 ${max}`;
    }
    case 'invalid_value':
      return issue.values.length === 1 ? `${field}只能是 ${list(issue.values)}` : `${field}只能是以下之一：${list(issue.values)}`;
    case 'invalid_format':
      if (issue.format === 'datetime') return `${field}应为带时区的 ISO 8601 时间`;
      return `${field}格式不正确`;
    case 'not_multiple_of':
      return `${field}应为 ${String(issue.divisor)} 的倍数`;
    case 'unrecognized_keys':
      return `${issue.path?.length ? `${field}中有` : ''}不支持的参数 ${issue.keys.join('、')}`;
    case 'invalid_union':
      return `${field}不符合任何一种格式`;
    default:
      return `${field}不正确`;
  }
}
