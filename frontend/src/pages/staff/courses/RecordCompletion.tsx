import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Alert, App, Button, DatePicker, Form, Modal } from "antd";
import dayjs, { type Dayjs } from "dayjs";
import { useState } from "react";
import { ApiProblem, api, unwrap } from "../../../api/client";
import { applyProblem } from "../../../utils/formErrors";
import { submitModalForm } from "../../../utils/modalForm";

interface Values {
  completed_on: Dayjs;
}

/** 登记公需科目: one person's completion of the year's mandatory course. */
export function RecordCompletionButton({
  personId,
  year,
  course,
}: {
  personId: string;
  year: number;
  course: { name: string; deadline: string };
}) {
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<Values>();
  const [other, setOther] = useState<string[]>([]);
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const mutation = useMutation({
    mutationFn: (v: Values) =>
      unwrap(
        api.POST("/api/v1/people/{id}/course-completions", {
          params: { path: { id: personId } },
          body: { year, completed_on: v.completed_on.format("YYYY-MM-DD") },
        }),
      ),
    onSuccess() {
      message.success("已登记公需科目完成情况");
      setOpen(false);
      void queryClient.invalidateQueries({ queryKey: ["person-year", personId] });
      void queryClient.invalidateQueries({ queryKey: ["compliance"] });
    },
    onError(problem) {
      setOther(problem instanceof ApiProblem ? applyProblem(form, problem, ["completed_on"]) : ["登记失败"]);
    },
  });
  const finish = (v: Values) => {
    setOther([]);
    mutation.mutate(v);
  };
  return (
    <>
      <Button onClick={() => setOpen(true)} data-testid="record-course">
        登记公需科目
      </Button>
      <Modal
        title={`登记公需科目：${course.name}`}
        open={open}
        okText="登记"
        cancelText="取消"
        confirmLoading={mutation.isPending}
        onOk={() => submitModalForm(form, finish)}
        onCancel={() => setOpen(false)}
        destroyOnHidden
      >
        <Alert type="info" showIcon title={`${year} 年度全员培训，截止日期 ${course.deadline}`} style={{ marginBottom: 16 }} />
        {other.length > 0 && <Alert type="error" showIcon title={other.join("；")} style={{ marginBottom: 16 }} />}
        <Form<Values>
          form={form}
          name="course_completion"
          layout="vertical"
          onFinish={finish}
        >
          <Form.Item name="completed_on" label="完成日期" rules={[{ required: true, message: "请选择完成日期" }]}>
            <DatePicker
              style={{ width: "100%" }}
              disabledDate={(d) => d.isAfter(dayjs(), "day") || d.year() < year || d.isAfter(dayjs(course.deadline), "day")}
            />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
