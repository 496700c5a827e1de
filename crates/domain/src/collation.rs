//! The order people are filed in on paper: by name in pinyin order (a
//! hospital's CME office sorts its certificates so, then by department).
//!
//! Unicode order sorts Hanzi by code point, which has nothing to do with
//! how anyone reads them (张 U+5F20 before 李 U+674E). The key here is each
//! character's pinyin syllable, toneless first and then the tones, so that
//! 李四 (li si) comes before 王五 (wang wu) and 马 (ma3) after 妈 (ma1).
//! A surname read differently from the word (曾 zeng, not ceng; 单 shan,
//! not dan) is read as a surname.

use pinyin::ToPinyin as _;

/// Surnames whose reading differs from the character's common one: the
/// first character of a name is read as here.
const SURNAMES: [(char, &str, u8); 16] = [
    ('曾', "zeng", 1),
    ('单', "shan", 4),
    ('解', "xie", 4),
    ('仇', "qiu", 2),
    ('区', "ou", 1),
    ('朴', "piao", 2),
    ('查', "zha", 1),
    ('盖', "ge", 3),
    ('覃', "qin", 2),
    ('乐', "yue", 4),
    ('员', "yun", 4),
    ('缪', "miao", 4),
    ('翟', "zhai", 2),
    ('尉', "yu", 4),
    ('长', "chang", 2),
    ('纪', "ji", 3),
];

/// A name's place in pinyin order: compare keys to sort names.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct PinyinKey {
    syllables: Vec<String>,
    tones: Vec<u8>,
    /// Ties (homophones, the same name twice) fall back to the characters.
    name: String,
}

/// The pinyin key of `name`. A character without a reading (Latin letters,
/// a middle dot in 阿依古丽·买买提) keeps its own lower-case form.
pub fn pinyin_key(name: &str) -> PinyinKey {
    let name = name.trim();
    let mut syllables = Vec::with_capacity(name.chars().count());
    let mut tones = Vec::with_capacity(syllables.capacity());
    for (i, c) in name.chars().enumerate() {
        if i == 0
            && let Some((_, reading, tone)) = SURNAMES.iter().find(|(s, _, _)| *s == c)
        {
            syllables.push((*reading).to_owned());
            tones.push(*tone);
            continue;
        }
        match c.to_pinyin() {
            Some(p) => {
                let numbered = p.with_tone_num_end();
                let tone = numbered.chars().last().and_then(|t| t.to_digit(10)).map_or(0, |t| t as u8);
                syllables.push(p.plain().to_owned());
                tones.push(tone);
            }
            None if c.is_whitespace() || c == '·' || c == '•' => {}
            None => {
                syllables.push(c.to_lowercase().collect());
                tones.push(0);
            }
        }
    }
    PinyinKey { syllables, tones, name: name.to_owned() }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted(names: &[&str]) -> Vec<String> {
        let mut v: Vec<&str> = names.to_vec();
        v.sort_by_cached_key(|n| pinyin_key(n));
        v.into_iter().map(str::to_owned).collect()
    }

    #[test]
    fn names_sort_by_their_reading_not_their_code_points() {
        assert_eq!(sorted(&["张三", "王五", "李四", "赵六", "艾青"]), ["艾青", "李四", "王五", "张三", "赵六"]);
        // Syllable by syllable: li si before li xiao, whatever the code points.
        assert_eq!(sorted(&["李晓", "李四"]), ["李四", "李晓"]);
        // The toneless syllables decide first, then the tones.
        assert_eq!(sorted(&["马丽", "麻丽", "妈力"]), ["妈力", "麻丽", "马丽"]);
    }

    #[test]
    fn surnames_are_read_as_surnames() {
        // 曾 zeng sorts between chen and zhang (read ceng it would come first).
        assert_eq!(sorted(&["张伟", "曾伟", "陈伟"]), ["陈伟", "曾伟", "张伟"]);
        // 单 shan sorts between ding and sun (read dan it would come first).
        assert_eq!(sorted(&["孙敏", "单敏", "丁敏"]), ["丁敏", "单敏", "孙敏"]);
        // Only as the first character: 简单 is jian dan.
        assert_eq!(pinyin_key("简单").syllables, ["jian", "dan"]);
    }

    #[test]
    fn other_scripts_and_separators_are_kept_in_order() {
        assert_eq!(pinyin_key("阿依古丽·买买提").syllables, ["a", "yi", "gu", "li", "mai", "mai", "ti"]);
        assert_eq!(sorted(&["Zoe", "安娜", "bob"]), ["安娜", "bob", "Zoe"]);
        // The same name twice is still a total order.
        assert_eq!(pinyin_key("王芳"), pinyin_key(" 王芳 "));
    }
}
