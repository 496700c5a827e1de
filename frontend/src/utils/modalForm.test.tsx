import { act, render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Form, type FormInstance, Input, Modal } from "antd";
import { describe, expect, it, vi } from "vitest";
import { submitModalForm } from "./modalForm";

interface Values {
  reason: string;
  kind?: string;
}

/** A modal form as the pages write it: one handler for OK and for Enter. */
function ReasonModal({ onValid, onForm }: { onValid: (v: Values) => void; onForm?: (f: FormInstance<Values>) => void }) {
  const [form] = Form.useForm<Values>();
  onForm?.(form);
  return (
    <Modal open title="原因" okText="确认退回" cancelText="取消" onOk={() => submitModalForm(form, onValid)}>
      <Form<Values> form={form} name="reason_test" initialValues={{ kind: "reject" }} onFinish={onValid}>
        <Form.Item name="reason" label="原因" rules={[{ required: true, whitespace: true, message: "请填写原因" }]}>
          <Input data-testid="reason" />
        </Form.Item>
        <Form.Item name="kind" hidden>
          <input type="hidden" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function renderModal(onValid: (v: Values) => void) {
  let form: FormInstance<Values> | undefined;
  render(<ReasonModal onValid={onValid} onForm={(f) => (form = f)} />);
  return () => form!;
}

describe("submitModalForm", () => {
  it("calls the handler once with the form's values when they are valid", async () => {
    const onValid = vi.fn();
    const form = renderModal(onValid);
    act(() => form().setFieldsValue({ reason: "材料不全" }));
    await act(() => submitModalForm(form(), onValid));
    expect(onValid).toHaveBeenCalledTimes(1);
    expect(onValid).toHaveBeenCalledWith({ reason: "材料不全", kind: "reject" });
  });

  it("neither calls the handler nor throws when a field is invalid, and shows the field's message", async () => {
    const onValid = vi.fn();
    const form = renderModal(onValid);
    act(() => form().setFieldsValue({ reason: "   " }));
    await expect(act(() => submitModalForm(form(), onValid))).resolves.toBeUndefined();
    expect(onValid).not.toHaveBeenCalled();
    expect(await screen.findByText("请填写原因")).toBeInTheDocument();
  });

  it("sends from the OK button once, with the values Enter in a field sends through onFinish", async () => {
    const user = userEvent.setup();
    const onValid = vi.fn();
    renderModal(onValid);

    await user.click(screen.getByRole("button", { name: "确认退回" }));
    expect(await screen.findByText("请填写原因")).toBeInTheDocument();
    expect(onValid).not.toHaveBeenCalled();

    await user.type(screen.getByTestId("reason"), "材料不全");
    await user.click(screen.getByRole("button", { name: "确认退回" }));
    await waitFor(() => expect(onValid).toHaveBeenCalledTimes(1));

    await user.type(screen.getByTestId("reason"), "{Enter}");
    await waitFor(() => expect(onValid).toHaveBeenCalledTimes(2));
    expect(onValid).toHaveBeenNthCalledWith(1, { reason: "材料不全", kind: "reject" });
    expect(onValid).toHaveBeenNthCalledWith(2, { reason: "材料不全", kind: "reject" });
  });

  it("sends once when a newer validation overtakes the OK button's (the click is not dropped)", async () => {
    const onValid = vi.fn();
    const form = renderModal(onValid);
    act(() => form().setFieldsValue({ reason: "材料不全" }));
    await act(async () => {
      const sent = submitModalForm(form(), onValid);
      // A field's own validation (on change, on blur) starting while the OK
      // button's is running: the store rejects the older one as out of date.
      void form()
        .validateFields(["reason"])
        .catch(() => {});
      await sent;
    });
    expect(onValid).toHaveBeenCalledTimes(1);
    expect(onValid).toHaveBeenCalledWith({ reason: "材料不全", kind: "reject" });
  });

  it("still reports a field's error after a validation was overtaken", async () => {
    const onValid = vi.fn();
    const form = renderModal(onValid);
    await act(async () => {
      const sent = submitModalForm(form(), onValid);
      void form()
        .validateFields(["reason"])
        .catch(() => {});
      await sent;
    });
    expect(onValid).not.toHaveBeenCalled();
    expect(await screen.findByText("请填写原因")).toBeInTheDocument();
  });

  it("lets an error of the handler itself through", async () => {
    const form = renderModal(() => {});
    act(() => form().setFieldsValue({ reason: "材料不全" }));
    await expect(
      act(() =>
        submitModalForm(form(), () => {
          throw new Error("boom");
        }),
      ),
    ).rejects.toThrow("boom");
  });
});
