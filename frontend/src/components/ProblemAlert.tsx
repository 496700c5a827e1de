import { Alert } from "antd";
import type { ApiProblem } from "../api/client";

/** Shows an API problem, listing the failing fields of a validation error. */
export function ProblemAlert({ problem }: { problem: ApiProblem }) {
  const description = (
    <div>
      {problem.detail && <div>{problem.detail}</div>}
      {problem.errors.length > 0 && (
        <ul data-testid="field-errors" style={{ margin: "8px 0 0", paddingInlineStart: 20 }}>
          {problem.errors.map((e) => (
            <li key={`${e.field}:${e.message}`}>
              <code>{e.field}</code>：{e.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
  return (
    <div data-testid="problem">
      <Alert
        type="error"
        showIcon
        title={problem.status > 0 ? `${problem.title}（${problem.status}）` : problem.title}
        description={description}
      />
    </div>
  );
}
