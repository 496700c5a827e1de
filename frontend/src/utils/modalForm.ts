import type { FormInstance } from "antd";

/** How often a validation superseded by a newer one is run again before giving up. */
const MAX_SUPERSEDED = 5;

/** rc-field-form's rejection of a validation that a newer one superseded. */
function isSuperseded(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { outOfDate?: unknown }).outOfDate === true;
}

/**
 * A modal's OK button for the form inside it: validates the form and, when
 * every field passes, calls `onValid` with the values. These are the values
 * `onFinish` receives (`form.submit()` is `validateFields()` followed by
 * `onFinish`), so a modal passes one handler both here and to the form's
 * `onFinish`, which still serves Enter in a field:
 *
 *     const finish = (v: Values) => mutation.mutate(v);
 *     <Modal onOk={() => submitModalForm(form, finish)} confirmLoading={mutation.isPending} …>
 *       <Form form={form} onFinish={finish}>…</Form>
 *
 * Not `onOk={() => form.submit()}`: that reaches the handler only through the
 * `onFinish` the `<Form>` last registered with the store. Here the click calls
 * the handler of the render that showed the button.
 *
 * A click is never dropped for a validation that was overtaken: the form
 * store rejects a `validateFields()` with `outOfDate` (and no field errors)
 * when any later validation started before it settled, e.g. a field's own
 * change or blur validation (a date picker commits its typed text as the OK
 * button takes the focus). That is not a verdict on the values, so they are
 * validated again, as they are now.
 *
 * A failed validation leaves antd's messages on the fields and resolves; the
 * promise never rejects for it. An error thrown by `onValid` is not swallowed.
 *
 * The modal's `confirmLoading` must be the pending state of this modal's own
 * mutation, never one shared with buttons outside it: antd's OK button ignores
 * clicks while loading, so a modal opened while another action is in flight
 * would swallow its first click.
 */
export async function submitModalForm<Values>(
  form: FormInstance<Values>,
  onValid: (values: Values) => unknown,
): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    let values: Values;
    try {
      values = await form.validateFields();
    } catch (error) {
      if (isSuperseded(error) && attempt < MAX_SUPERSEDED) continue;
      return;
    }
    onValid(values);
    return;
  }
}
