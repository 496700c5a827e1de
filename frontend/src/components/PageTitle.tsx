import type { ReactNode } from "react";

/**
 * A page's title and its one h1, for the title of the card that frames the
 * page (`<Card title={<PageTitle>验证审核</PageTitle>}>`): it keeps the card
 * head's look, while screen readers and the document outline get a heading.
 * The header's system name is not a heading, so this is the page's only h1.
 */
export function PageTitle({ children }: { children: ReactNode }) {
  return <h1 style={{ display: "inline", margin: 0, font: "inherit", color: "inherit" }}>{children}</h1>;
}
