//! Hand-made XLSX files for tests: a minimal workbook of one sheet written
//! from raw XML, so a test can build the hostile files an attacker would
//! (a sheet naming A1 and XFD1048576, a shared string used many times, a
//! part whose declared size lies) without keeping binary files in the tree.

use std::io::{Cursor, Write as _};

use zip::write::SimpleFileOptions;

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#;
const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
const WORKBOOK: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
const WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#;

/// A workbook whose first sheet's `<sheetData>` holds `sheet_data`, with
/// an optional `<dimension ref>` and shared strings (each an `<si>`'s text).
pub fn xlsx(dimension: Option<&str>, sheet_data: &str, shared: &[&str]) -> Vec<u8> {
    let dimension = dimension.map_or_else(String::new, |d| format!(r#"<dimension ref="{d}"/>"#));
    let sheet = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{dimension}<sheetData>{sheet_data}</sheetData></worksheet>"#
    );
    let mut strings = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{n}" uniqueCount="{n}">"#,
        n = shared.len()
    );
    for s in shared {
        strings.push_str("<si><t>");
        strings.push_str(s);
        strings.push_str("</t></si>");
    }
    strings.push_str("</sst>");
    let parts = [
        ("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
        ("_rels/.rels", RELS.as_bytes()),
        ("xl/workbook.xml", WORKBOOK.as_bytes()),
        ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS.as_bytes()),
        ("xl/worksheets/sheet1.xml", sheet.as_bytes()),
        ("xl/sharedStrings.xml", strings.as_bytes()),
    ];
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options =
        SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated).compression_level(Some(9));
    for (name, bytes) in parts {
        // Writing into memory cannot fail.
        let _ = zip.start_file(name, options);
        let _ = zip.write_all(bytes);
    }
    zip.finish().map(Cursor::into_inner).unwrap_or_default()
}

/// A string cell at `at` (such as `B7`) holding shared string `index`.
pub fn shared_cell(at: &str, index: usize) -> String {
    format!(r#"<c r="{at}" t="s"><v>{index}</v></c>"#)
}

/// The 1,911-byte kind of file that aborted the server: one sheet whose
/// cells are A1 and XFD1048576 (a dense grid of 16384 × 1048576 cells).
pub fn corner_bomb() -> Vec<u8> {
    let data =
        format!(r#"<row r="1">{}</row><row r="1048576">{}</row>"#, shared_cell("A1", 0), shared_cell("XFD1048576", 0));
    xlsx(None, &data, &["x"])
}

/// One shared string of `mib` MiB used `uses` times: a few tens of KB
/// compressed, `mib` × `uses` MiB if every use were copied.
pub fn shared_string_bomb(mib: usize, uses: usize) -> Vec<u8> {
    let big = "A".repeat(mib << 20);
    let mut data = String::new();
    for r in 1..=uses {
        data.push_str(&format!(r#"<row r="{r}">{}</row>"#, shared_cell(&format!("A{r}"), 0)));
    }
    xlsx(None, &data, &[&big])
}

/// A sheet of `rows` rows of one number cell each.
pub fn many_rows(rows: usize) -> Vec<u8> {
    let mut data = String::with_capacity(rows * 40);
    for r in 1..=rows {
        data.push_str(&format!(r#"<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>"#));
    }
    xlsx(None, &data, &[])
}
