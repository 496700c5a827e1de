//! XLSX exports, read back with calamine.

use std::io::Cursor;
use std::time::Instant;

use crate::common::sample::{LONG_ACTIVITY, form};
use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use cme_documents::{ComplianceList, ComplianceListXlsx, ComplianceRow, compliance_list_xlsx, registration_form_xlsx};

fn open(bytes: Vec<u8>) -> Xlsx<Cursor<Vec<u8>>> {
    open_workbook_from_rs(Cursor::new(bytes)).unwrap()
}

fn string(value: Option<&Data>) -> String {
    match value {
        Some(Data::String(s)) => s.clone(),
        other => panic!("expected a string cell, got {other:?}"),
    }
}

#[test]
fn registration_form_xlsx_keeps_ids_as_text_and_numbers_as_numbers() {
    let mut form = form(12);
    form.person.id_number = "11010519491231002X".to_owned();
    form.credits[0].certificate_no = "530102199001011234".to_owned();
    let mut book = open(registration_form_xlsx(&form).unwrap());
    let range = book.worksheet_range("学分登记表").unwrap();
    let cells: Vec<(usize, usize, &Data)> = range.cells().collect();
    let find =
        |text: &str| cells.iter().find(|(_, _, d)| matches!(d, Data::String(s) if s == text)).map(|&(r, c, _)| (r, c));
    assert_eq!(string(range.get((0, 0))), "2021年度继续医学教育学分登记表");
    let (r, c) = find("身份证号").unwrap();
    assert_eq!(string(range.get((r, c + 1))), "11010519491231002X");
    // An 18-digit number stays text, not 5.3E+17.
    assert!(find("530102199001011234").is_some(), "certificate number lost as text");
    assert!(find(LONG_ACTIVITY).is_some());
    assert!(find("王䶮").is_some());

    // Credit amounts are numbers.
    let (hr, hc) = find("学分").unwrap();
    assert_eq!(range.get((hr + 1, hc)), Some(&Data::Float(2.0)));
    assert_eq!(range.get((hr + 2, hc)), Some(&Data::Float(0.5)));
    // Totals are values, not formulas.
    let (tr, tc) = find("总学分").unwrap();
    assert_eq!(range.get((tr, tc + 1)), Some(&Data::Float(23.5)));
    let formulas = book.worksheet_formula("学分登记表").unwrap();
    assert!(formulas.cells().all(|(_, _, f)| f.is_empty()), "no formulas");

    assert!(find("不达标").is_some());
    assert!(find("1. I类学分不足：已获8.5分，还需1.5分").is_some());
    assert!(find("单位继续医学教育管理部门（盖章）").is_some());
}

fn compliance_row(i: usize) -> ComplianceRow {
    ComplianceRow {
        name: format!("测试人员{i}"),
        id_number: format!("{}", 530102199001010000u64 + i as u64),
        unit: "昆明市第一人民医院".to_owned(),
        department: "心血管内科".to_owned(),
        discipline: "临床医学".to_owned(),
        title_level: "中级".to_owned(),
        class1_tenths: 100 + (i % 7) as i64,
        class2_tenths: 150,
        self_managed_tenths: 30,
        total_tenths: 280 + (i % 7) as i64,
        compliant: !i.is_multiple_of(3),
        shortfalls: if i.is_multiple_of(3) {
            vec!["I类学分不足".to_owned(), "总学分不足".to_owned()]
        } else {
            Vec::new()
        },
    }
}

#[test]
fn compliance_list_streams_thirty_thousand_rows() {
    const N: usize = 30_000;
    let started = Instant::now();
    let mut writer = ComplianceListXlsx::new("2021年度人员达标情况").unwrap();
    let mut row = compliance_row(0);
    for i in 0..N {
        row.clone_from(&compliance_row(i));
        writer.push_row(&row).unwrap();
    }
    assert_eq!(writer.len(), N);
    let bytes = writer.finish().unwrap();
    eprintln!("compliance list: {N} rows, {} bytes, {:?}", bytes.len(), started.elapsed());

    let mut book = open(bytes);
    let range = book.worksheet_range("人员达标情况").unwrap();
    assert_eq!(range.height(), N + 2);
    assert_eq!(string(range.get((0, 0))), "2021年度人员达标情况");
    let headers: Vec<String> = (0..12).map(|c| string(range.get((1, c)))).collect();
    assert_eq!(
        headers,
        [
            "姓名",
            "身份证号",
            "单位",
            "科室",
            "专业类别",
            "职称级别",
            "I类",
            "II类",
            "自管",
            "总学分",
            "是否达标",
            "不达标原因"
        ]
    );
    assert_eq!(string(range.get((2, 1))), "530102199001010000");
    assert_eq!(string(range.get((N + 1, 1))), format!("{}", 530102199001010000u64 + N as u64 - 1));
    assert_eq!(range.get((2, 6)), Some(&Data::Float(10.0)));
    assert_eq!(range.get((3, 9)), Some(&Data::Float(28.1)));
    assert_eq!(string(range.get((2, 10))), "不达标");
    assert_eq!(string(range.get((2, 11))), "I类学分不足；总学分不足");
    assert_eq!(string(range.get((3, 10))), "达标");
}

#[test]
fn compliance_list_from_memory() {
    let list =
        ComplianceList { title: "2021年度人员达标情况".to_owned(), rows: (0..3).map(compliance_row).collect() };
    let mut book = open(compliance_list_xlsx(&list).unwrap());
    let range = book.worksheet_range("人员达标情况").unwrap();
    assert_eq!(range.height(), 5);
    assert_eq!(string(range.get((4, 0))), "测试人员2");
}
