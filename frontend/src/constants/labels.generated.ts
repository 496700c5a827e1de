// Generated from the Rust enums (`string_enum!` in crates/domain, and the
// API's own enums of the same shape): the wire names and the Chinese labels
// people see, one source for the server's documents and the SPA. Do not
// edit: run `UPDATE_LABELS=1 cargo test -p cme-api --test openapi` after
// changing a label.

export const UNIT_LEVEL = {
  provincial: "省级机构",
  prefecture: "州市级",
  county: "县级",
  township: "乡镇/社区",
  village: "乡村医生",
} as const;

export const REGION_LEVEL = {
  province: "省",
  prefecture: "州市",
  county: "县市区",
} as const;

export const MEDICINE = {
  western: "西医",
  tcm: "中医",
} as const;

export const TITLE_LEVEL = {
  senior: "高级",
  intermediate: "中级",
  junior: "初级",
} as const;

export const DISCIPLINE = {
  clinical: "临床、检验、放射等类",
  nursing_public_health: "护理、公卫类",
} as const;

export const PERSON_STATUS = {
  normal: "正常",
  exempt: "不计达标",
  cancelled: "注销",
} as const;

export const GENDER = {
  male: "男",
  female: "女",
} as const;

export const TITLE_SERIES = {
  medicine: "医疗",
  tcm: "中医",
  nursing: "护理",
  pharmacy: "药学",
  tcm_pharmacy: "中药学",
  technician: "医技",
  public_health: "公共卫生",
  village: "乡村医生",
} as const;

export const ROLE = {
  system_admin: "系统管理员",
  province_western: "省继教委办公室(科教处)",
  province_tcm: "省继教委办公室(中医处)",
  prefecture_office: "州市继教委办公室",
  county_office: "县市区继教委办公室",
  unit: "单位",
  department: "科室",
  trainee: "学员",
  api_client: "外部系统",
} as const;

export const OPERATION = {
  read_hierarchy: "查看机构人员",
  reveal_id_number: "查看完整身份证号",
  manage_accounts: "管理下级账号",
  manage_api_clients: "管理接口客户端",
  read_audit: "查看审计日志",
  read_self: "查看本人信息",
  manage_people: "人员维护",
  enter_credits: "录入学分",
  review_credits: "审核学分",
  manage_activities: "管理继教活动",
  claim_activity: "扫码签到",
  record_course: "登记公需科目",
  recompute_compliance: "重算达标情况",
  manage_cycle: "验证周期设置",
  set_windows: "截止时间设置",
  submit_verifications: "验证信息上报",
  review_verifications: "验证审核",
  issue_certificate_numbers: "生成证书编号",
  manage_seal: "电子印章管理",
  print_certificates: "证书打印",
  revoke_certificates: "撤销证书",
  spot_check: "抽验",
  request_title_correction: "申请职称更正",
  review_title_corrections: "审核职称更正",
  edit_standards: "学分标准维护",
  read_reports: "统计报表",
  edit_support: "技术支持维护",
  manage_units: "单位维护",
  manage_departments: "科室维护",
} as const;

export const CREDIT_KIND = {
  project: "项目学分",
  self_managed: "自管学分",
} as const;

export const CREDIT_CLASS = {
  i: "I类",
  ii: "II类",
} as const;

export const CREDIT_SOURCE = {
  national: "国家级 I类",
  provincial: "省级 I类",
  distance_i: "远程 I类",
  prefecture: "州市级 II类",
  distance_ii: "远程 II类",
} as const;

export const CREDIT_STATE = {
  draft: "科室草稿",
  valid: "有效",
  pending: "待审核",
  rejected: "审核不通过",
  reversed: "已冲销",
  reversal: "冲销记录",
} as const;

export const ENTRY_PATH = {
  electronic: "电子学分",
  paper_unit: "单位录入纸质证书",
  paper_department: "科室录入纸质证书",
  paper_verification: "纸质验证",
} as const;

export const OUTCOME = {
  compliant: "达标",
  non_compliant: "不达标",
  not_counted: "不计达标",
  undetermined: "无法判定",
} as const;

export const SHORTFALL_CODE = {
  i_national: "I类国家级学分",
  i_provincial: "I类省级学分",
  i_national_provincial: "I类国家级和省级学分",
  i_subtotal: "I类学分",
  ii_subtotal: "II类学分",
  self_managed: "自管学分",
  total: "总学分",
  mandatory_course: "全员培训",
} as const;

export const NOT_COUNTED_REASON = {
  over_cap: "超出上限",
  not_valid: "未生效",
} as const;

export const TRANSFER_STATE = {
  pending: "待接收",
  accepted: "已接收",
  rejected: "已拒收",
  cancelled: "已撤回",
} as const;

export const LIST_KIND = {
  normal: "正常验证",
  make_up: "补验",
  special: "特殊人员",
} as const;

export const VERIFICATION_PATH = {
  electronic: "电子验证",
  paper: "纸质验证",
} as const;

export const WINDOW_TIER = {
  county_and_above: "县级以上学分验证上报",
  township: "乡镇级学分验证上报",
  village: "村级学分验证上报",
} as const;

export const SPECIAL_REASON = {
  further_study: "进修",
  rural_service: "下乡",
  residency: "规培",
  front_line: "援外或抗疫一线",
} as const;

export const EVIDENCE_KIND = {
  pdf: "PDF 文件",
  png: "PNG 图片",
  jpeg: "JPEG 图片",
} as const;

export const REVIEW_TIER = {
  department: "科室",
  unit: "单位",
  county_office: "县市区继教委办公室",
  prefecture_office: "州市继教委办公室",
  province_western: "省继教委办公室(科教处)",
  province_tcm: "省继教委办公室(中医处)",
  system_admin: "系统管理员",
  trainee: "学员",
} as const;

export const REVIEW_STAGE = {
  first_review: "初审",
  second_review: "再审核",
  recheck: "复核",
  final_review: "最终复验",
} as const;

export const VERIFICATION_STATE = {
  prepared: "待上报",
  in_review: "审核中",
  returned: "已退回",
  approved: "已通过",
  certified: "已发证书编号",
} as const;

export const REVIEW_EVENT = {
  submit: "初审上报",
  withdraw: "撤回",
  approve: "审核通过",
  return: "退回",
  issue_number: "生成证书编号",
  reverify: "重新验证",
} as const;

export const CERTIFICATE_STATUS = {
  valid: "有效",
  superseded: "已被更正后的新版本取代",
  revoked: "已撤销",
  held: "暂停使用（单位复验中）",
} as const;

export const CORRECTION_STATE = {
  in_review: "审核中",
  approved: "已批准",
  rejected: "已驳回",
} as const;

export const CORRECTION_EVENT = {
  request: "提出申请",
  approve: "审核通过",
  reject: "驳回",
} as const;

export const SPOT_CHECK_KIND = {
  sample: "抽验",
  on_site: "现场抽验",
} as const;

export const ITEM_RESULT = {
  pending: "待检查",
  pass: "合格",
  fail: "不合格",
} as const;

export const INSTITUTION_OUTCOME = {
  passed: "通过",
  sent_back: "合格率低于95%，退回单位重新验证",
} as const;

export const ROSTER_OUTCOME = {
  credited: "已记入学分",
  invalid_id_number: "身份证号无效",
  unknown_person: "查无此人",
  out_of_jurisdiction: "不在管辖范围",
  already_signed_in: "已签到",
  duplicate_row: "重复行",
  locked: "年度已锁定",
} as const;

export const IMPORT_MODE = {
  check: "仅校验，不写入",
  all: "全部导入（有错误则不写入）",
  valid_only: "仅导入正确的行",
} as const;

export const REVIEW_DECISION = {
  approve: "审核通过",
  return: "退回",
} as const;

export const STATS_GROUPING = {
  unit: "单位",
  county: "县市区",
  prefecture: "州市",
} as const;

export const STANDARD_LIMIT = {
  total: "总学分 ≥",
  i_national_min: "I类国家级 ≥",
  i_provincial_min: "I类省级 ≥",
  i_national_provincial_min: "I类国家级+省级 ≥",
  i_distance_cap: "I类远程 ≤（计入上限）",
  i_subtotal_min: "I类小计 ≥",
  ii_subtotal_min: "II类小计 ≥",
  ii_distance_cap: "II类远程 ≤（计入上限）",
  self_managed_min: "自管学分 ≥",
} as const;

export const WINDOW_STATUS = {
  not_started: "未开始",
  open: "上报中",
  closed: "已截止",
} as const;

export const SCOPE_KIND = {
  province: "全省",
  region: "行政区划",
  unit: "单位",
  department: "科室",
  person: "本人",
} as const;

export const AUDIT_ACTION = {
  "account.create": "创建账号",
  "account.disable": "停用账号",
  "account.enable": "启用账号",
  "account.password.change": "修改密码",
  "account.password.reset": "重置密码",
  "account.rename": "修改账号姓名",
  "activity.cancel": "取消活动",
  "activity.create": "创建活动",
  "activity.roster": "导入活动签到名单",
  "activity.sign_in": "活动签到",
  "api_client.create": "创建接口客户端",
  "api_client.revoke": "吊销接口客户端",
  "auth.client_token": "接口客户端取得令牌",
  "auth.client_token.failure": "接口客户端认证失败",
  "auth.login.disabled": "已停用账号尝试登录",
  "auth.login.failure": "登录失败",
  "auth.login.success": "登录",
  "auth.logout": "退出登录",
  "auth.logout_all": "退出全部设备的登录",
  "auth.refresh": "延续登录",
  "auth.refresh.replay": "登录凭据被重复使用，已注销其会话",
  "auth.trainee_login.failure": "学员登录失败",
  "auth.trainee_login.success": "学员登录",
  "certificate.print": "打印证书",
  "certificate.print.cancel": "取消批量打印",
  "certificate.public_lookup": "公众查验证书",
  "certificate.revoke": "撤销证书",
  "compliance.recompute": "重新计算达标情况",
  "course_completion.import": "导入公需科目完成记录",
  "course_completion.record": "登记公需科目完成",
  "credit.enter": "录入学分",
  "credit.enter.batch": "批量录入纸质学分",
  "credit.reverse": "冲销学分",
  "credit_report.decide": "审批科室学分上报",
  "credit_report.submit": "科室上报学分",
  "cycle.open": "开启验证年度",
  "cycle.update": "修改验证年度日程",
  "cycle.window": "设置上报时间",
  "data_key.rotate": "更换数据密钥（重新加密身份证号）",
  "evidence.upload": "上传证明材料",
  "notification.preferences": "修改提醒设置",
  "notification.read": "阅读提醒",
  "notification.read_all": "全部提醒标为已读",
  "person.create": "新增人员",
  "person.id_number.reveal": "查看完整身份证号",
  "person.import": "导入人员",
  "person.import.file": "导入人员名册文件",
  "person.status.change": "变更人员状态",
  "person.title.add": "登记职称",
  "person.transfer.request": "申请人员调动",
  "person.transfer.accept": "接收调入人员",
  "person.transfer.reject": "拒收调入人员",
  "person.transfer.cancel": "撤回调动申请",
  "person.update": "修改人员信息",
  "person.upsert.create": "接口新增人员",
  "person.upsert.update": "接口更新人员",
  "seal.retire": "停用印章",
  "seal.upload": "上传印章",
  "support.update": "修改技术支持信息",
  "spot_check.close": "结束抽查",
  "spot_check.draw": "抽取抽查对象",
  "spot_check.record": "记录抽查结果",
  "standard.draft": "保存标准草稿",
  "standard.publish": "发布学分验证标准",
  "title_correction.decide": "审核职称更正",
  "title_correction.request": "申请职称更正",
  "verification.approve": "审核通过",
  "verification.numbers": "生成证书编号",
  "verification.prepare": "列入验证名单",
  "verification.return": "退回",
  "verification.submit": "上报验证",
  "unit.open": "开通单位",
  "unit.import": "导入开通单位",
  "unit.rename": "单位更名",
  "unit.move": "变更单位所属地区",
  "unit.merge": "合并单位",
  "unit.close": "撤销单位",
  "department.create": "新增科室",
  "department.rename": "科室更名",
  "department.close": "撤销科室",
} as const;

export const AUDIT_TARGET = {
  account: "账号",
  activity: "继教活动",
  api_client: "接口客户端",
  certificate: "证书",
  credit: "学分",
  credit_report: "科室学分上报",
  cycle: "验证年度",
  notification: "提醒",
  person: "人员",
  seal: "印章",
  spot_check: "抽查",
  standard: "学分验证标准",
  title_correction: "职称更正",
  verification: "验证记录",
  course_completion: "公需科目完成记录",
  unit: "单位",
  year: "年度",
  evidence: "证明材料",
  region: "地区",
  department: "科室",
} as const;

export const NOTIFICATION_KIND = {
  window_closing: "上报截止提醒",
  records_returned: "验证记录被退回",
  reports_waiting: "科室学分上报待审批",
  transfers_waiting: "人员调动待处理",
  queue_grown: "待审核记录增加",
  title_correction_decided: "职称更正已审核",
  spot_check_outcome: "抽验结果",
  certificate_issued: "证书已生成",
} as const;

// The media type of each evidence kind, and the largest evidence file in bytes.
export const EVIDENCE_CONTENT_TYPE = {
  pdf: "application/pdf",
  png: "image/png",
  jpeg: "image/jpeg",
} as const;

export const MAX_EVIDENCE_BYTES = 10485760;
