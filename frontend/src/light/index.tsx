/*
 * The light kit: a handful of plain components for the pages a phone opens
 * first (sign-in, certificate verification, the trainee's own pages), so
 * that they load without antd. Styles in ./light.css; the spinner is
 * index.html's (.cme-spinner), painted before any script arrives.
 */
import { useEffect, useId, useState, type ButtonHTMLAttributes, type InputHTMLAttributes, type ReactNode, type TextareaHTMLAttributes } from "react";
import { Link, NavLink, type LinkProps } from "react-router";
import "./light.css";

function cx(...names: (string | false | null | undefined)[]): string {
  return names.filter(Boolean).join(" ");
}

/** The root of a light page: the kit's colours and type (the frames below use it). */
export function Page({ children, className }: { children: ReactNode; className?: string }) {
  return <div className={cx("lk-page", className)}>{children}</div>;
}

type Variant = "primary" | "default" | "danger" | "text";

function buttonClass(variant: Variant, block: boolean, className?: string) {
  return cx("lk-btn", variant !== "default" && `lk-btn-${variant}`, block && "lk-btn-block", className);
}

export function Spinner({ label }: { label?: string }) {
  return <span className="cme-spinner" role={label ? "img" : undefined} aria-label={label} aria-hidden={label ? undefined : true} />;
}

/** A page or a section loading: the same spinner as the splash. */
export function Loading({ label = "加载中" }: { label?: string }) {
  return (
    <div className="cme-loading" role="status" aria-label={label}>
      <span className="cme-spinner" />
    </div>
  );
}

export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: Variant;
  block?: boolean;
  loading?: boolean;
  icon?: ReactNode;
}

/** A button, 44 px tall; `loading` keeps it in place, busy and not clickable again. */
export function Button({ variant = "default", block = false, loading = false, icon, className, children, type = "button", disabled, ...rest }: ButtonProps) {
  return (
    <button
      type={type}
      className={buttonClass(variant, block, className)}
      disabled={disabled}
      aria-busy={loading || undefined}
      {...rest}
      onClick={loading ? (e) => e.preventDefault() : rest.onClick}
    >
      {loading ? <Spinner /> : icon}
      {children}
    </button>
  );
}

/** A router link drawn as a button. */
export function ButtonLink({ variant = "default", block = false, icon, className, children, ...rest }: LinkProps & { variant?: Variant; block?: boolean; icon?: ReactNode }) {
  return (
    <Link className={buttonClass(variant, block, className)} {...rest}>
      {icon}
      {children}
    </Link>
  );
}

interface FieldOwnProps {
  label: ReactNode;
  /** Shown under the field in red, and announced with it. */
  error?: string | null;
  hint?: ReactNode;
}

function useFieldIds(id: string | undefined, error: string | null | undefined, hint: ReactNode) {
  const generated = useId();
  const fieldId = id ?? generated;
  const errorId = `${fieldId}_error`;
  const hintId = `${fieldId}_hint`;
  const describedBy = cx(hint ? hintId : null, error ? errorId : null) || undefined;
  return { fieldId, errorId, hintId, describedBy };
}

function FieldFrame({ fieldId, errorId, hintId, label, error, hint, children }: FieldOwnProps & { fieldId: string; errorId: string; hintId: string; children: ReactNode }) {
  return (
    <div className="lk-field">
      <label className="lk-label" htmlFor={fieldId}>
        {label}
      </label>
      {children}
      {hint && (
        <div className="lk-hint" id={hintId}>
          {hint}
        </div>
      )}
      {error && (
        <div className="lk-error" id={errorId} role="alert">
          {error}
        </div>
      )}
    </div>
  );
}

/** A labelled text input with its hint and error. */
export function TextField({ label, error, hint, id, className, ...input }: FieldOwnProps & InputHTMLAttributes<HTMLInputElement>) {
  const ids = useFieldIds(id, error, hint);
  return (
    <FieldFrame {...ids} label={label} error={error} hint={hint}>
      <input
        id={ids.fieldId}
        className={cx("lk-input", className)}
        aria-invalid={error ? true : undefined}
        aria-describedby={ids.describedBy}
        {...input}
      />
    </FieldFrame>
  );
}

/** A labelled multi-line input. */
export function TextArea({ label, error, hint, id, className, ...input }: FieldOwnProps & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const ids = useFieldIds(id, error, hint);
  return (
    <FieldFrame {...ids} label={label} error={error} hint={hint}>
      <textarea
        id={ids.fieldId}
        className={cx("lk-input", className)}
        aria-invalid={error ? true : undefined}
        aria-describedby={ids.describedBy}
        {...input}
      />
    </FieldFrame>
  );
}

export type Tone = "info" | "success" | "warning" | "error";

/** A message in a box; errors are announced (`role="alert"`), the rest politely. */
export function Alert({
  type = "info",
  title,
  children,
  testId,
  ...data
}: {
  type?: Tone;
  title: ReactNode;
  children?: ReactNode;
  testId?: string;
} & { [key: `data-${string}`]: string | undefined }) {
  return (
    <div className={cx("lk-alert", `lk-alert-${type}`)} role={type === "error" ? "alert" : "status"} data-testid={testId} {...data}>
      <div className="lk-alert-title">{title}</div>
      {children && <div>{children}</div>}
    </div>
  );
}

/** A white section; its title is an h2 (the page's h1 is in the header). */
export function Card({
  title,
  extra,
  children,
  testId,
  className,
  ...data
}: {
  title?: ReactNode;
  extra?: ReactNode;
  children?: ReactNode;
  testId?: string;
  className?: string;
} & { [key: `data-${string}`]: string | number | undefined }) {
  const titleId = useId();
  return (
    <section className={cx("lk-card", className)} aria-labelledby={title ? titleId : undefined} data-testid={testId} {...data}>
      {(title || extra) && (
        <div className="lk-card-head">
          {title && (
            <h2 className="lk-card-title" id={titleId}>
              {title}
            </h2>
          )}
          {extra}
        </div>
      )}
      {children}
    </section>
  );
}

export type TagTone = "default" | "success" | "error" | "warning" | "processing";

export function Tag({ tone = "default", large = false, children, testId }: { tone?: TagTone; large?: boolean; children: ReactNode; testId?: string }) {
  return (
    <span className={cx("lk-tag", tone !== "default" && `lk-tag-${tone}`, large && "lk-tag-large")} data-testid={testId}>
      {children}
    </span>
  );
}

function fraction(value: number, target: number): number {
  if (target <= 0) return 1;
  return Math.max(0, Math.min(1, value / target));
}

/** A ring filled to `value / target`, its words in the middle. */
export function ProgressRing({ value, target, size = 120, label, children }: { value: number; target: number; size?: number; label: string; children?: ReactNode }) {
  const stroke = 10;
  const r = (size - stroke) / 2;
  const length = 2 * Math.PI * r;
  const f = fraction(value, target);
  return (
    <div style={{ position: "relative", width: size, height: size, flex: "none" }} role="img" aria-label={label}>
      <svg className={cx("lk-ring", f >= 1 && "lk-ring-done")} width={size} height={size} viewBox={`0 0 ${size} ${size}`} aria-hidden="true">
        <circle className="lk-ring-track" cx={size / 2} cy={size / 2} r={r} fill="none" strokeWidth={stroke} />
        <circle
          className="lk-ring-value"
          cx={size / 2}
          cy={size / 2}
          r={r}
          fill="none"
          strokeWidth={stroke}
          strokeLinecap="round"
          strokeDasharray={length}
          strokeDashoffset={length * (1 - f)}
          transform={`rotate(-90 ${size / 2} ${size / 2})`}
        />
      </svg>
      <div
        aria-hidden="true"
        style={{ position: "absolute", inset: 0, display: "flex", flexDirection: "column", alignItems: "center", justifyContent: "center", textAlign: "center", lineHeight: 1.25 }}
      >
        {children}
      </div>
    </div>
  );
}

/** A bar filled to `value / target` (a progressbar to assistive technology). */
export function ProgressBar({ value, target, label }: { value: number; target: number; label: string }) {
  const f = fraction(value, target);
  return (
    <div
      className={cx("lk-bar", f >= 1 && "lk-bar-done")}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={Math.round(f * 100)}
    >
      <div className="lk-bar-value" style={{ width: `${f * 100}%` }} />
    </div>
  );
}

export interface TabItem {
  to: string;
  label: string;
  icon?: ReactNode;
}

/** The bottom tab bar of a phone (a top nav on a wide screen). */
export function TabBar({ items, label }: { items: readonly TabItem[]; label: string }) {
  return (
    <nav className="lk-tabbar" aria-label={label} data-testid="tab-bar">
      <ul>
        {items.map((item) => (
          <li key={item.to}>
            <NavLink to={item.to} end={false}>
              {item.icon}
              <span>{item.label}</span>
            </NavLink>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/** A short message at the bottom of the screen that goes away by itself. */
export function Toast({ message, onDone, ms = 3000 }: { message: string | null; onDone: () => void; ms?: number }) {
  useEffect(() => {
    if (!message) return;
    const timer = setTimeout(onDone, ms);
    return () => clearTimeout(timer);
  }, [message, onDone, ms]);
  return (
    <div role="status" aria-live="polite">
      {message && (
        <div className="lk-toast" data-testid="toast">
          {message}
        </div>
      )}
    </div>
  );
}

/** `[message, show, clear]` for a `<Toast>`. */
export function useToast(): [string | null, (message: string) => void, () => void] {
  const [message, setMessage] = useState<string | null>(null);
  const clear = useState(() => () => setMessage(null))[0];
  return [message, setMessage, clear];
}

/** A password input with a 显示/隐藏 toggle. */
export function PasswordField({ label, error, hint, id, className, ...input }: FieldOwnProps & Omit<InputHTMLAttributes<HTMLInputElement>, "type">) {
  const ids = useFieldIds(id, error, hint);
  const [shown, setShown] = useState(false);
  return (
    <FieldFrame {...ids} label={label} error={error} hint={hint}>
      <div style={{ display: "flex", gap: 8 }}>
        <input
          id={ids.fieldId}
          type={shown ? "text" : "password"}
          className={cx("lk-input", className)}
          aria-invalid={error ? true : undefined}
          aria-describedby={ids.describedBy}
          {...input}
        />
        <Button aria-pressed={shown} aria-label={shown ? "隐藏密码" : "显示密码"} onClick={() => setShown(!shown)} style={{ flex: "none" }}>
          {shown ? "隐藏" : "显示"}
        </Button>
      </div>
    </FieldFrame>
  );
}
