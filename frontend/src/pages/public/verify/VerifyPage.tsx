import { useQuery } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useSearchParams } from "react-router";
import { Button, Card, TextField } from "../../../light";
import { publicByNumber } from "../../certificates/api";
import { checkCodeProblem, normaliseCode } from "../../certificates/logic";
import { Loading, LookupFailed, PublicCertificateView, PublicShell } from "./PublicCertificateView";

/** `/verify`: anyone checks a certificate by its number and the 8-character 验证码 printed on it. */
export default function VerifyPage() {
  const [search, setSearch] = useSearchParams();
  const number = (search.get("number") ?? "").trim();
  const code = normaliseCode(search.get("code") ?? "");
  const ready = number !== "" && checkCodeProblem(code) === null;
  const lookup = useQuery({
    queryKey: ["public-certificate", "number", number, code],
    queryFn: () => publicByNumber(number, code),
    enabled: ready,
    retry: false,
  });
  const [typed, setTyped] = useState({ number, code: search.get("code") ?? "" });
  const [errors, setErrors] = useState<{ number?: string | null; code?: string | null }>({});
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const found = { number: typed.number.trim() === "" ? "请输入证书编号" : null, code: checkCodeProblem(typed.code) };
    setErrors(found);
    if (!found.number && !found.code) setSearch({ number: typed.number.trim(), code: normaliseCode(typed.code) });
  };
  return (
    <PublicShell>
      <div className="lk-stack" data-testid="public-lookup-page">
        <Card title="证书查验">
          <p className="lk-muted" style={{ marginTop: 0 }}>
            输入证书上的证书编号和 8 位验证码，或用手机扫描证书上的二维码。
          </p>
          <form name="lookup" noValidate onSubmit={onSubmit}>
            <TextField
              id="lookup_number"
              label="证书编号"
              placeholder="如 2021-530125-000123"
              autoComplete="off"
              maxLength={40}
              value={typed.number}
              error={errors.number}
              onChange={(e) => {
                setTyped((t) => ({ ...t, number: e.target.value }));
                setErrors((v) => ({ ...v, number: null }));
              }}
            />
            <TextField
              id="lookup_code"
              label="验证码"
              placeholder="8 位字母或数字"
              autoComplete="off"
              autoCapitalize="characters"
              maxLength={12}
              className="lk-mono"
              value={typed.code}
              error={errors.code}
              onChange={(e) => {
                setTyped((t) => ({ ...t, code: e.target.value }));
                setErrors((v) => ({ ...v, code: null }));
              }}
            />
            <Button type="submit" variant="primary" block loading={lookup.isFetching} data-testid="lookup-submit">
              查验
            </Button>
          </form>
        </Card>
        {lookup.isFetching && !lookup.data && <Loading />}
        {lookup.isError && <LookupFailed problem={lookup.error} />}
        {lookup.data && <PublicCertificateView certificate={lookup.data} />}
      </div>
    </PublicShell>
  );
}
