//! What the audit log records: the actions (one per kind of state change
//! or sign-in) and the kinds of object they act on, each with the words a
//! person reads in the audit log and its export. The stored names are the
//! wire names; an entry is written only through these.

string_enum! {
    /// What happened.
    pub enum AuditAction {
        AccountCreate => ("account.create", "创建账号"),
        AccountDisable => ("account.disable", "停用账号"),
        AccountEnable => ("account.enable", "启用账号"),
        AccountPasswordChange => ("account.password.change", "修改密码"),
        AccountPasswordReset => ("account.password.reset", "重置密码"),
        AccountRename => ("account.rename", "修改账号姓名"),
        ActivityCancel => ("activity.cancel", "取消活动"),
        ActivityCreate => ("activity.create", "创建活动"),
        ActivityRoster => ("activity.roster", "导入活动签到名单"),
        ActivitySignIn => ("activity.sign_in", "活动签到"),
        ApiClientCreate => ("api_client.create", "创建接口客户端"),
        ApiClientRevoke => ("api_client.revoke", "吊销接口客户端"),
        AuthClientToken => ("auth.client_token", "接口客户端取得令牌"),
        AuthClientTokenFailure => ("auth.client_token.failure", "接口客户端认证失败"),
        AuthLoginDisabled => ("auth.login.disabled", "已停用账号尝试登录"),
        AuthLoginFailure => ("auth.login.failure", "登录失败"),
        AuthLoginSuccess => ("auth.login.success", "登录"),
        AuthLogout => ("auth.logout", "退出登录"),
        AuthLogoutAll => ("auth.logout_all", "退出全部设备的登录"),
        AuthRefresh => ("auth.refresh", "延续登录"),
        AuthRefreshReplay => ("auth.refresh.replay", "登录凭据被重复使用，已注销其会话"),
        AuthTraineeLoginFailure => ("auth.trainee_login.failure", "学员登录失败"),
        AuthTraineeLoginSuccess => ("auth.trainee_login.success", "学员登录"),
        CertificatePrint => ("certificate.print", "打印证书"),
        CertificatePrintCancel => ("certificate.print.cancel", "取消批量打印"),
        CertificatePublicLookup => ("certificate.public_lookup", "公众查验证书"),
        CertificateRevoke => ("certificate.revoke", "撤销证书"),
        ComplianceRecompute => ("compliance.recompute", "重新计算达标情况"),
        CourseCompletionImport => ("course_completion.import", "导入公需科目完成记录"),
        CourseCompletionRecord => ("course_completion.record", "登记公需科目完成"),
        CreditEnter => ("credit.enter", "录入学分"),
        CreditEnterBatch => ("credit.enter.batch", "批量录入纸质学分"),
        CreditReverse => ("credit.reverse", "冲销学分"),
        CreditReportDecide => ("credit_report.decide", "审批科室学分上报"),
        CreditReportSubmit => ("credit_report.submit", "科室上报学分"),
        CycleOpen => ("cycle.open", "开启验证年度"),
        CycleUpdate => ("cycle.update", "修改验证年度日程"),
        CycleWindow => ("cycle.window", "设置上报时间"),
        DataKeyRotate => ("data_key.rotate", "更换数据密钥（重新加密身份证号）"),
        EvidenceUpload => ("evidence.upload", "上传证明材料"),
        NotificationPreferences => ("notification.preferences", "修改提醒设置"),
        NotificationRead => ("notification.read", "阅读提醒"),
        NotificationReadAll => ("notification.read_all", "全部提醒标为已读"),
        PersonCreate => ("person.create", "新增人员"),
        PersonIdNumberReveal => ("person.id_number.reveal", "查看完整身份证号"),
        PersonImport => ("person.import", "导入人员"),
        PersonImportFile => ("person.import.file", "导入人员名册文件"),
        PersonStatusChange => ("person.status.change", "变更人员状态"),
        PersonTitleAdd => ("person.title.add", "登记职称"),
        PersonTransferRequest => ("person.transfer.request", "申请人员调动"),
        PersonTransferAccept => ("person.transfer.accept", "接收调入人员"),
        PersonTransferReject => ("person.transfer.reject", "拒收调入人员"),
        PersonTransferCancel => ("person.transfer.cancel", "撤回调动申请"),
        PersonUpdate => ("person.update", "修改人员信息"),
        PersonUpsertCreate => ("person.upsert.create", "接口新增人员"),
        PersonUpsertUpdate => ("person.upsert.update", "接口更新人员"),
        SealRetire => ("seal.retire", "停用印章"),
        SealUpload => ("seal.upload", "上传印章"),
        SupportUpdate => ("support.update", "修改技术支持信息"),
        SpotCheckClose => ("spot_check.close", "结束抽查"),
        SpotCheckDraw => ("spot_check.draw", "抽取抽查对象"),
        SpotCheckRecord => ("spot_check.record", "记录抽查结果"),
        StandardDraft => ("standard.draft", "保存标准草稿"),
        StandardPublish => ("standard.publish", "发布学分验证标准"),
        TitleCorrectionDecide => ("title_correction.decide", "审核职称更正"),
        TitleCorrectionRequest => ("title_correction.request", "申请职称更正"),
        VerificationApprove => ("verification.approve", "审核通过"),
        VerificationNumbers => ("verification.numbers", "生成证书编号"),
        VerificationPrepare => ("verification.prepare", "列入验证名单"),
        VerificationReturn => ("verification.return", "退回"),
        VerificationSubmit => ("verification.submit", "上报验证"),
        UnitOpen => ("unit.open", "开通单位"),
        UnitImport => ("unit.import", "导入开通单位"),
        UnitRename => ("unit.rename", "单位更名"),
        UnitMove => ("unit.move", "变更单位所属地区"),
        UnitMerge => ("unit.merge", "合并单位"),
        UnitClose => ("unit.close", "撤销单位"),
        DepartmentCreate => ("department.create", "新增科室"),
        DepartmentRename => ("department.rename", "科室更名"),
        DepartmentClose => ("department.close", "撤销科室"),
    }
}

string_enum! {
    /// What an entry acted on.
    pub enum AuditTarget {
        Account => ("account", "账号"),
        Activity => ("activity", "继教活动"),
        ApiClient => ("api_client", "接口客户端"),
        Certificate => ("certificate", "证书"),
        Credit => ("credit", "学分"),
        CreditReport => ("credit_report", "科室学分上报"),
        Cycle => ("cycle", "验证年度"),
        Notification => ("notification", "提醒"),
        Person => ("person", "人员"),
        Seal => ("seal", "印章"),
        SpotCheck => ("spot_check", "抽查"),
        Standard => ("standard", "学分验证标准"),
        TitleCorrection => ("title_correction", "职称更正"),
        Verification => ("verification", "验证记录"),
        CourseCompletion => ("course_completion", "公需科目完成记录"),
        Unit => ("unit", "单位"),
        Year => ("year", "年度"),
        Evidence => ("evidence", "证明材料"),
        Region => ("region", "地区"),
        Department => ("department", "科室"),
    }
}

/// The words of a stored action name; an unknown one (written by an older
/// release) is shown as "其他操作", never as its code.
pub fn action_label(stored: &str) -> &'static str {
    AuditAction::parse(stored).map_or("其他操作", AuditAction::label)
}

/// The words of a stored target kind.
pub fn target_label(stored: &str) -> &'static str {
    AuditTarget::parse(stored).map_or("其他对象", AuditTarget::label)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_and_target_has_chinese_words_of_its_own() {
        let mut seen = std::collections::HashSet::new();
        for a in AuditAction::ALL {
            assert!(a.label().chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "{a}");
            assert!(seen.insert(a.label()), "two actions read {}", a.label());
        }
        for t in AuditTarget::ALL {
            assert!(t.label().chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "{t}");
        }
        assert_eq!(action_label("auth.login.success"), "登录");
        assert_eq!(action_label("made.up"), "其他操作");
    }
}
