import { useMutation } from "@tanstack/react-query";
import { Card, Col, Empty, Form, Row, Typography } from "antd";
import type { FormInstance } from "antd";
import { useEffect } from "react";
import { ApiProblem, api, fieldPath, unwrap } from "../../../api/client";
import type { EvaluateRequest, EvaluateResponse } from "../../../api/types";
import { CalculatorForm } from "./components/CalculatorForm";
import { ProblemAlert } from "../../../components/ProblemAlert";
import { useWorkingYear } from "../../../hooks/workingYear";
import { ResultView } from "./components/ResultView";
import { toEvaluateRequest, type CalculatorFormValues } from "./mapping";

export function evaluate(body: EvaluateRequest): Promise<EvaluateResponse> {
  return unwrap(api.POST("/api/v1/compliance/evaluate", { body }));
}

/** 学分达标计算器: a what-if evaluation of a profile and a list of credits. */
export default function CalculatorPage() {
  const [form] = Form.useForm<CalculatorFormValues>();
  const workingYear = useWorkingYear();
  useEffect(() => {
    if (workingYear !== undefined && form.getFieldValue("year") === undefined) form.setFieldValue("year", workingYear);
  }, [workingYear, form]);
  const mutation = useMutation<EvaluateResponse, ApiProblem, EvaluateRequest>({
    mutationFn: evaluate,
    onError(problem) {
      // Point the server's field errors at the matching form controls too.
      const known = problem.errors.filter((e) => fieldPath(e.field).length > 0);
      if (known.length > 0) {
        // Wire paths are dynamic, so use the untyped form API here.
        (form as FormInstance).setFields(known.map((e) => ({ name: fieldPath(e.field), errors: [e.message] })));
      }
    },
  });

  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} xl={10}>
        <Card title="学分达标计算器">
          <Typography.Paragraph type="secondary">
            按年度学分验证标准，估算某一人员的学分是否达标。此计算不保存任何数据。
          </Typography.Paragraph>
          <CalculatorForm
            form={form}
            submitting={mutation.isPending}
            onSubmit={(values) => mutation.mutate(toEvaluateRequest(values))}
          />
        </Card>
      </Col>
      <Col xs={24} xl={14}>
        <Card title="计算结果">
          {mutation.isError && <ProblemAlert problem={mutation.error} />}
          {mutation.isSuccess && <ResultView result={mutation.data} />}
          {mutation.isIdle && <Empty description="填写左侧表单后点击“计算”" />}
        </Card>
      </Col>
    </Row>
  );
}
