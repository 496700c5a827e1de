// Setup over the API: accounts for an institution the demo has no account
// for, and its compliant people of a year taken through review to numbered
// certificates, so that a spec owns that institution alone.
import assert from "node:assert/strict";
import { api, apiToken } from "./auth.mjs";

const NEW_PASSWORD = "E2e-Check#2026x";

/** An account created by the system administrator, its password changed; returns its token. */
export async function createAccount(adminToken, { username, display_name, role, organisation_id }) {
  const created = await api.post("/api/v1/accounts", { username, display_name, role, organisation_id }, adminToken);
  assert.equal(created.status, 201, `create ${username}: ${created.status} ${created.text}`);
  const first = await apiToken(username, created.json.initial_password);
  const changed = await api.post("/api/v1/auth/password", { current_password: created.json.initial_password, new_password: NEW_PASSWORD }, first);
  assert.ok(changed.status === 200 || changed.status === 204, `password ${username}: ${changed.status} ${changed.text}`);
  return apiToken(username, NEW_PASSWORD);
}

/** The region with this code (as the system administrator sees it). */
export async function regionByCode(adminToken, code) {
  const regions = await api.get("/api/v1/regions", adminToken);
  assert.equal(regions.status, 200, regions.text);
  const region = regions.json.find((r) => r.code === code);
  assert.ok(region, `no region ${code}`);
  return region;
}

/** The unit named exactly `name`. */
export async function unitByName(token, name) {
  const units = await api.get(`/api/v1/units?name=${encodeURIComponent(name)}&limit=10`, token);
  assert.equal(units.status, 200, units.text);
  const unit = units.json.items.find((u) => u.name === name);
  assert.ok(unit, `no unit ${name}`);
  return unit;
}

/** Approves every record of `unitId` waiting on the office of `token`; returns their ids. */
export async function approveAll(token, cycleYear, unitId) {
  const queue = await api.get(`/api/v1/reviews/queue?cycle_year=${cycleYear}&unit_id=${unitId}&limit=200`, token);
  assert.equal(queue.status, 200, queue.text);
  const items = queue.json.items.map((r) => ({ id: r.id, row_version: r.row_version }));
  assert.ok(items.length > 0, "nothing waiting in the queue");
  const decided = await api.post("/api/v1/reviews/decisions", { decision: "approve", items }, token);
  assert.equal(decided.status, 200, decided.text);
  return items.map((i) => i.id);
}

/**
 * A township or community health centre's compliant people of `cycleYear`,
 * submitted by the unit (up to `max`), approved by its county and by its
 * prefecture (the final office for township records), which numbers them.
 * Returns the unit's token, the people and their certificates.
 */
export async function certifyTownship({ unitName, countyCode, prefecture, cycleYear, max = 6 }) {
  const admin = await apiToken("admin");
  const suffix = Date.now().toString(36);
  const county = await regionByCode(admin, countyCode);
  const unit = await unitByName(admin, unitName);
  const countyToken = await createAccount(admin, {
    username: `e2e-county-${suffix}`,
    display_name: `${county.name}继教委办公室（测试）`,
    role: "county_office",
    organisation_id: county.id,
  });
  const unitToken = await createAccount(admin, {
    username: `e2e-unit-${suffix}`,
    display_name: `${unitName}（测试）`,
    role: "unit",
    organisation_id: unit.id,
  });

  const candidates = await api.get(`/api/v1/verifications/candidates?cycle_year=${cycleYear}&list=normal&eligible_only=true&limit=200`, unitToken);
  assert.equal(candidates.status, 200, candidates.text);
  const people = candidates.json.items.filter((c) => c.eligible).slice(0, max);
  assert.ok(people.length >= 2, `${unitName} has ${people.length} compliant people to verify`);
  const submitted = await api.post(
    "/api/v1/verifications",
    { cycle_year: cycleYear, list: "normal", people: people.map((p) => ({ person_id: p.person_id })) },
    unitToken,
  );
  assert.equal(submitted.status, 200, submitted.text);
  assert.equal(submitted.json.submitted, people.length);

  await approveAll(countyToken, cycleYear, unit.id);
  const prefectureToken = await apiToken(prefecture);
  const ids = await approveAll(prefectureToken, cycleYear, unit.id);
  const numbered = await api.post("/api/v1/certificate-numbers", { cycle_year: cycleYear, ids }, prefectureToken);
  assert.equal(numbered.status, 200, numbered.text);
  assert.equal(numbered.json.issued, people.length);

  const certificates = await api.get(`/api/v1/certificates?year=${cycleYear}&limit=200`, unitToken);
  assert.equal(certificates.status, 200, certificates.text);
  assert.equal(certificates.json.items.length, people.length, certificates.text);
  return { unit, unitToken, people, certificates: certificates.json.items };
}

/** The token a certificate's QR code carries: the last segment of its verify_url. */
export function verifyToken(certificate) {
  return new URL(certificate.verify_url).pathname.split("/").filter(Boolean).pop();
}
