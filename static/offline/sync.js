// Talking to the server: the session, taking cases, and sending the queue. Every write made on
// the device is queued (encrypted) with an idempotency key and, for changes to a record, the
// values it was based on. Sending is in order and in batches; an answer removes the write from
// the queue, so an interrupted sync resends only what it had no answer for, and the server
// answers a key it has seen with the answer it gave (never a second copy).
import * as vault from "./vault.js";

const BATCH = 10;
const API = "/offline/api/";
let sequence = 0;

export async function api(state, path, body = null) {
  const options = { credentials: "same-origin", headers: { Accept: "application/json" } };
  if (body !== null) {
    const form = body instanceof FormData;  // a photo: multipart, the browser sets the type
    options.method = "POST";
    if (!form) options.headers["Content-Type"] = "application/json";
    options.headers["X-CSRFToken"] = state.csrf || "";
    options.body = form ? body : JSON.stringify(body);
  }
  const response = await fetch(API + path, options);
  const json = response.headers.get("Content-Type")?.includes("json");
  return { status: response.redirected ? 401 : response.status, data: json ? await response.json() : {} };
}

// Asked before the vault opens and before every sync: a device the server wants wiped wipes.
export async function mustWipe() {
  const device = await vault.getMeta("device");
  if (!device) return false;
  try {
    const { status, data } = await api({}, "devices/status", device);
    return status === 200 && data.wipe === true;
  } catch {
    return false;  // offline: the N-days rule covers a device that never comes back
  }
}

export async function queue(state, kind, caseRef, payload) {
  const write = {
    type: "write", key: crypto.randomUUID(), kind, case_ref: caseRef, payload,
    device_time: new Date().toISOString(), status: "queued", seq: Date.now() * 1000 + (sequence++ % 1000),
  };
  write.rid = await vault.put(write);
  state.writes.push(write);
  return write;
}

export async function saveCase(state, item) {
  item.rid = await vault.put(item);
  const index = state.cases.findIndex((other) => other.rid === item.rid);
  if (index >= 0) state.cases[index] = item; else state.cases.push(item);
}

function fromBundle(bundle, previous) {
  return { ...previous, type: "case", temp: false, ...bundle, server: { ...bundle.person } };
}

export async function take(state, ids) {
  const device = await vault.getMeta("device");
  const { status, data } = await api(state, "take", { ...device, cases: ids });
  if (status !== 200) throw new Error(data.message || String(status));
  for (const bundle of data.cases) {
    await saveCase(state, fromBundle(bundle, state.cases.find((item) => item.id === bundle.id)));
  }
  const kept = new Set(data.cases.map((bundle) => bundle.id));
  for (const gone of state.cases.filter((item) => ids.includes(item.id) && !kept.has(item.id))) {
    await vault.remove(gone.rid);  // closed, transferred or no longer the worker's: off the device
  }
  state.cases = state.cases.filter((item) => !ids.includes(item.id) || kept.has(item.id));
}

async function settle(state, write, answer) {
  if (answer.status === "applied" || answer.status === "resolved") {
    await vault.remove(write.rid);
    state.writes = state.writes.filter((other) => other.rid !== write.rid);
    if (write.kind === "intake") {
      const item = state.cases.find((other) => other.id === write.payload.temp_code);
      if (item) await saveCase(state, { ...item, id: answer.case_id, code: answer.case_code, temp: false });
    }
    return;
  }
  write.status = answer.status;  // conflict (both values kept until the worker chooses) or refused
  write.answer = answer;
  await vault.put(write);
}

// Photos travel one to a request, as a file; the other writes ten at a time; the order is kept.
function batches(waiting) {
  const out = [];
  for (const write of waiting) {
    const last = out[out.length - 1];
    if (write.kind !== "photo" && last && last[0].kind !== "photo" && last.length < BATCH) last.push(write);
    else out.push([write]);
  }
  return out;
}

const wire = ({ key, kind, case_ref, device_time, payload }) => ({ key, kind, case_ref, device_time, payload });

// The photo's bytes (base64 in the encrypted queue) become a file again only to be sent.
function photoForm(device, write) {
  const { data, type, ...rest } = write.payload;
  const form = new FormData();
  form.append("device", device.device);
  form.append("secret", device.secret);
  form.append("write", JSON.stringify(wire({ ...write, payload: rest })));
  form.append("file", new Blob([Uint8Array.from(atob(data), (c) => c.charCodeAt(0))], { type }), "photo");
  return form;
}

// Send every queued write; then refresh the cases on the device. Returns true when all went.
export async function flush(state) {
  const device = await vault.getMeta("device");
  const waiting = state.writes.filter((write) => write.status === "queued").sort((a, b) => a.seq - b.seq);
  for (const batch of batches(waiting)) {
    const { status, data } = batch[0].kind === "photo"
      ? await api(state, "sync/photo", photoForm(device, batch[0]))
      : await api(state, "sync", { ...device, writes: batch.map(wire) });
    if (status !== 200) throw new Error(data.message || String(status));
    for (const [index, answer] of data.results.entries()) {
      await settle(state, batch[index], answer);
    }
  }
  const known = state.cases.filter((item) => !item.temp).map((item) => item.id);
  if (known.length) await take(state, known);
  await vault.setMeta("last_sync", Date.now());
  return state.writes.every((write) => write.status === "queued") && !state.writes.length;
}
