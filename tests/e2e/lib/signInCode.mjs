// Mints an activity's sign-in code the way the server does
// (crates/domain/src/sign_in_code.rs), from the server's master key, so a
// test can make a code of any minute (an expired one).
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";

function hmac(key, ...parts) {
  const mac = createHmac("sha256", key);
  for (const p of parts) mac.update(p);
  return mac.digest();
}

/** The sign-in key: HMAC(HMAC(master, "cme/jwt/v1"), "activity-sign-in"). */
export function signInKey(keyFile = process.env.E2E_DATA_KEY_FILE) {
  if (!keyFile) throw new Error("E2E_DATA_KEY_FILE is not set (tests/e2e/run.sh sets it)");
  const master = Buffer.from(readFileSync(keyFile, "utf8").trim(), "base64");
  const jwtSecret = hmac(master, "cme/jwt/v1");
  return hmac(jwtSecret, "activity-sign-in");
}

/** The code of `activityId` for the minute `unixSeconds` falls in. */
export function mintCode(activityId, unixSeconds, key = signInKey()) {
  const id = Buffer.from(activityId.replace(/-/g, ""), "hex");
  const window = Buffer.alloc(4);
  window.writeUInt32BE(Math.floor(unixSeconds / 60));
  const tag = hmac(key, id, window).subarray(0, 16);
  return Buffer.concat([id, window, tag]).toString("base64url");
}
