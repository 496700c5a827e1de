import { BarChart } from "echarts/charts";
import { AriaComponent, GridComponent, LegendComponent, TooltipComponent } from "echarts/components";
import * as echarts from "echarts/core";
import { CanvasRenderer } from "echarts/renderers";
import { useEffect, useMemo, useRef } from "react";
import type { StatsRow } from "../../../api/types";
import { statsSegments } from "../verification/logic";

// ECharts, tree-shaken to the bar chart: canvas-drawn (a province's 129
// counties stay smooth), with its own accessible description (the aria
// component) and loaded only with this page.
echarts.use([BarChart, GridComponent, TooltipComponent, LegendComponent, AriaComponent, CanvasRenderer]);

/** The chart's option: one stacked bar per row (people by where they stand), the first row on top. */
export function progressOption(rows: readonly StatsRow[]): echarts.EChartsCoreOption {
  // ECharts draws a category axis bottom-up: reverse so that the worst row is on top.
  const ordered = [...rows].reverse();
  const segments = statsSegments({ submitted: 0, returned: 0, approved: 0, certified: 0, missing: 0 });
  return {
    aria: { enabled: true },
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    legend: { top: 0, data: segments.map((s) => s.label) },
    grid: { left: 8, right: 24, top: 32, bottom: 8, containLabel: true },
    xAxis: { type: "value", name: "人", minInterval: 1 },
    yAxis: { type: "category", data: ordered.map((r) => r.name), axisLabel: { width: 140, overflow: "truncate" } },
    series: segments.map((s, i) => ({
      name: s.label,
      type: "bar",
      stack: "people",
      itemStyle: { color: s.color },
      emphasis: { focus: "series" },
      data: ordered.map((r) => statsSegments(r)[i]?.value ?? 0),
    })),
  };
}

/** 进度: the offices or units below, least progress first (at most `limit`). */
export default function ProgressChart({ rows, limit = 15 }: { rows: readonly StatsRow[]; limit?: number }) {
  const ref = useRef<HTMLDivElement>(null);
  const shown = useMemo(() => rows.slice(0, limit), [rows, limit]);
  useEffect(() => {
    if (!ref.current) return undefined;
    const chart = echarts.init(ref.current);
    chart.setOption(progressOption(shown));
    const resize = () => chart.resize();
    window.addEventListener("resize", resize);
    return () => {
      window.removeEventListener("resize", resize);
      chart.dispose();
    };
  }, [shown]);
  return <div ref={ref} style={{ width: "100%", height: 60 + shown.length * 28 }} data-testid="progress-chart" role="img" aria-label="下级进度图" />;
}
