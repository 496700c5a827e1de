import type { FormInstance } from "antd";

/**
 * A modal's OK button for the form inside it: validates the form and, when
 * every field passes, calls `onValid` with the values. These are the values
 * `onFinish` receives (`form.submit()` is `validateFields()` followed by
 * `onFinish`), so a modal passes one handler both here and to the form's
 * `onFinish`, which still serves Enter in a field:
 *
 *     const finish = (v: Values) => mutation.mutate(v);
 *     <Modal onOk={() => submitModalForm(form, finish)} …>
 *       <Form form={form} onFinish={finish}>…</Form>
 *
 * Not `onOk={() => form.submit()}`: that reaches the handler only through the
 * `onFinish` the `<Form>` last registered with the store, and an OK click on a
 * loaded machine sometimes sent nothing that way. Here the click calls the
 * handler of the render that showed the button.
 *
 * A failed validation leaves antd's messages on the fields and resolves; the
 * promise never rejects for it. An error thrown by `onValid` is not swallowed.
 */
export async function submitModalForm<Values>(
  form: FormInstance<Values>,
  onValid: (values: Values) => unknown,
): Promise<void> {
  let values: Values;
  try {
    values = await form.validateFields();
  } catch {
    return;
  }
  onValid(values);
}
