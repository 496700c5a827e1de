import { useQuery } from "@tanstack/react-query";
import { useParams } from "react-router";
import { publicByToken } from "../../certificates/api";
import { tokenFrom } from "../../certificates/logic";
import { Loading, LookupFailed, PublicCertificateView, PublicShell } from "./PublicCertificateView";

/** `/v/:token`: the page a certificate's QR code opens, without signing in. */
export default function TokenPage() {
  const { token: raw = "" } = useParams();
  const token = tokenFrom(raw);
  const lookup = useQuery({
    queryKey: ["public-certificate", token],
    queryFn: () => publicByToken(token!),
    enabled: token !== null,
    // A 429 or a 404 will not change by asking again at once.
    retry: false,
  });
  return (
    <PublicShell>
      <div className="lk-stack" data-testid="public-verify-page">
        {token === null && <LookupFailed problem={{ status: 404, title: "", detail: null, retryAfter: null }} />}
        {lookup.isLoading && <Loading />}
        {lookup.isError && <LookupFailed problem={lookup.error} />}
        {lookup.data && <PublicCertificateView certificate={lookup.data} />}
      </div>
    </PublicShell>
  );
}
