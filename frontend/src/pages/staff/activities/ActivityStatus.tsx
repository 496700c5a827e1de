import { Tag } from "antd";
import type { Activity } from "../../../api/types";
import { todayInShanghai } from "../../../utils/format";

/** The status tag of an activity. */
export function ActivityStatus({ activity }: { activity: Activity }) {
  if (activity.cancelled_at) return <Tag>已取消</Tag>;
  if (activity.running) return <Tag color="processing">进行中</Tag>;
  const today = todayInShanghai();
  return activity.starts_on > today ? <Tag color="default">未开始</Tag> : <Tag color="success">已结束</Tag>;
}
