import { useEffect } from "react";

/**
 * Mends two accessibility gaps of antd's Table that no prop reaches (axe's
 * aria-hidden-focus and scrollable-region-focusable, both serious):
 *
 * - The row that measures column widths is `aria-hidden` but renders the
 *   column titles, the select-all checkbox among them: a control the keyboard
 *   reaches and screen readers are told is not there. The row becomes `inert`.
 * - A table wider (or taller) than its box scrolls inside it; with no link or
 *   button in it (an empty list, plain text) the keyboard cannot scroll it.
 *   Such a box takes the focus (tabindex 0), so arrow keys scroll it.
 */
export function mendTables(root: ParentNode): void {
  for (const row of root.querySelectorAll<HTMLElement>(".ant-table-measure-row")) {
    if (!row.hasAttribute("inert")) row.setAttribute("inert", "");
  }
  for (const box of root.querySelectorAll<HTMLElement>(".ant-table-content, .ant-table-body")) {
    const scrolls = box.scrollWidth > box.clientWidth || box.scrollHeight > box.clientHeight;
    if (scrolls && !box.hasAttribute("tabindex")) box.tabIndex = 0;
  }
}

/** Keeps `mendTables` applied to the document while mounted: tables come and go, boxes resize. */
export function useMendedTables(): void {
  useEffect(() => {
    let frame = 0;
    const schedule = () => {
      if (frame === 0) {
        frame = requestAnimationFrame(() => {
          frame = 0;
          mendTables(document);
        });
      }
    };
    const observer = new MutationObserver(schedule);
    observer.observe(document.body, { childList: true, subtree: true });
    window.addEventListener("resize", schedule);
    schedule();
    return () => {
      observer.disconnect();
      window.removeEventListener("resize", schedule);
      cancelAnimationFrame(frame);
    };
  }, []);
}
