// What a person still needs, said plainly for the trainee (the server's
// messages are terse list entries such as "II类学分差 2.5 分").
import type { ShortfallItem } from "../api/types";
import { formatCredits } from "./format";

/** The year's mandatory course, as much as a sentence needs. */
export interface CourseInfo {
  name: string;
  deadline: string;
}

/** One shortfall as a sentence a trainee understands without knowing the buckets. */
export function plainShortfall(s: ShortfallItem, course?: CourseInfo | null): string {
  const n = formatCredits(s.missing);
  switch (s.code) {
    case "total":
      return `总学分还差 ${n} 分：任何有效学分（I类、II类或自管学分）都计入总学分。`;
    case "i_subtotal":
      return `I类学分还差 ${n} 分：参加国家级、省级或远程I类继续医学教育项目可获得。`;
    case "i_national":
      return `国家级 I类学分还差 ${n} 分：须参加国家级继续医学教育项目。`;
    case "i_provincial":
      return `省级 I类学分还差 ${n} 分：须参加省级继续医学教育项目。`;
    case "i_national_provincial":
      return `国家级或省级 I类学分还差 ${n} 分：远程I类项目不计入此项。`;
    case "ii_subtotal":
      return `II类学分还差 ${n} 分：参加州市级或远程II类项目可获得；超出要求的I类学分也可折抵II类。`;
    case "self_managed":
      return `自管学分还差 ${n} 分：参加本单位组织的学术讲座、病例讨论等自管学习活动可获得。`;
    case "mandatory_course":
      return course
        ? `尚未完成全员培训（公需科目）“${course.name}”，请在 ${course.deadline} 前完成。`
        : "尚未完成本年度的全员培训（公需科目）。";
    default:
      return s.message;
  }
}

/** The one-line verdict a trainee sees first. */
export function verdictSentence(outcome: string, shortfalls: readonly ShortfallItem[]): string {
  switch (outcome) {
    case "compliant":
      return "本年度学分已达标。";
    case "non_compliant":
      return shortfalls.length === 1 ? "本年度尚未达标，还差 1 项。" : `本年度尚未达标，还差 ${shortfalls.length} 项。`;
    case "not_counted":
      return "本年度不计达标（如免考核、已注销等）。";
    case "undetermined":
      return "本年度暂无法判定（如缺少职称信息），请联系本单位继教管理员。";
    default:
      return "";
  }
}
