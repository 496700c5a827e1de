import type { ApiProblem } from "../api/client";
import { Alert } from ".";

/**
 * An API problem in words for the light pages: the server's title and
 * detail (in Chinese), and what each field got wrong, without the field's
 * code name or the status number.
 */
export function Problem({ problem, title }: { problem: ApiProblem; title?: string }) {
  const messages = [problem.detail, ...problem.errors.map((e) => e.message)].filter((m): m is string => Boolean(m) && m !== (title ?? problem.title));
  return (
    <Alert type="error" title={title ?? problem.title} testId="problem">
      {messages.length > 0 && (
        <ul style={{ margin: "4px 0 0", paddingInlineStart: 20 }}>
          {messages.map((m) => (
            <li key={m}>{m}</li>
          ))}
        </ul>
      )}
    </Alert>
  );
}
