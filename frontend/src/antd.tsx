import { App as AntApp, ConfigProvider, type ThemeConfig } from "antd";
import zhCN from "antd/locale/zh_CN";
import type { ReactNode } from "react";

/**
 * Colours that read at WCAG AA (4.5:1) as text on white and on the pale
 * backgrounds antd puts them on (WCAG 1.4.3; axe's color-contrast).
 *
 * - Primary, info and links: antd's blue #1677ff is 4.1:1 on white, as text
 *   (links, a selected menu item) and under white text (primary buttons); its
 *   blue-7 #0958d9 is 6.2:1 both ways and 5.5:1 on the pale blue #e6f4ff of a
 *   selected menu item. Links follow the info colour unless set.
 * - Status colours are text on a tag's pale fill and in messages: green
 *   #52c41a is 2.2:1 on #f6ffed, red #ff4d4f 3.0:1 on #fff2f0. The darker
 *   ones (5.1–5.6:1) keep antd's pale fills and borders, which antd would
 *   otherwise derive, muddy, from the dark colour.
 * - Grey text: secondary text, statistic titles, field hints and empty lists
 *   (#8c8c8c, 3.4:1) and placeholders (#bfbfbf, 1.8:1) become #666 (5.7:1)
 *   and #737373 (4.7:1); a table's empty text is antd's disabled grey.
 */
export const THEME: ThemeConfig = {
  token: {
    colorPrimary: "#0958d9",
    colorInfo: "#0958d9",
    colorLink: "#0958d9",
    colorSuccess: "#237804",
    colorSuccessBg: "#f6ffed",
    colorSuccessBorder: "#b7eb8f",
    colorError: "#cf1322",
    colorErrorBg: "#fff2f0",
    colorErrorBorder: "#ffccc7",
    colorWarning: "#ad4e00",
    colorWarningBg: "#fffbe6",
    colorWarningBorder: "#ffe58f",
    colorTextDescription: "rgba(0, 0, 0, 0.6)",
    colorTextPlaceholder: "rgba(0, 0, 0, 0.55)",
  },
  components: {
    Table: { colorTextDisabled: "rgba(0, 0, 0, 0.55)" },
  },
};

/**
 * antd's locale, theme and message/modal holders, around every page drawn
 * with antd. A chunk of its own (the route table loads it lazily): the pages
 * a phone opens first (sign-in, verification, the trainee's) do without.
 */
export default function AntdProviders({ children }: { children: ReactNode }) {
  return (
    <ConfigProvider locale={zhCN} theme={THEME}>
      <AntApp>{children}</AntApp>
    </ConfigProvider>
  );
}
