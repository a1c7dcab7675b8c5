// Pathway field app: boots from the cached shell, opens the encrypted store with the worker's
// PIN and routes between the screens (docs/offline.md).
import * as vault from "./vault.js";
import * as sync from "./sync.js";
import * as screens from "./screens.js";
import * as forms from "./forms.js";
import { h, t, show, field, showErrors, useLanguage } from "./dom.js";

const main = document.getElementById("content");
const DAY = 86400000;
const state = { cases: [], writes: [], csrf: "", online: false, reference: null, message: "" };
const FORMS = { screen: forms.screening, note: forms.note, visit: forms.visit, edit: forms.edit, photo: forms.photo };
const app = { state, language: "lo", go, syncNow, logout, discard, resolve, dropUnchosen };

function go(hash) {
  if (location.hash === hash || (hash === "#" && !location.hash)) render(); else location.hash = hash;
}

async function loadReference() {
  try {
    const { status, data } = await sync.api(state, "reference");
    if (status === 200) {
      await vault.setMeta("reference", data);
      return data;
    }
  } catch { /* offline: the copy kept at the last online start */ }
  return vault.getMeta("reference");
}

async function checkSession() {
  try {
    const { status, data } = await sync.api(state, "session");
    if (status === 200) {
      state.csrf = data.csrf;
      state.online = true;
      return data;
    }
  } catch { /* offline */ }
  state.online = false;
  return null;
}

function setNetwork() {
  document.getElementById("net").textContent = state.online && navigator.onLine ? t("online") : t("offline");
}

function loginPrompt(message) {
  show(h("p", {}, message), h("p", {}, h("a", { class: "button", href: main.dataset.login, id: "login" }, t("login"))));
}

async function wiped() {
  await vault.wipe();
  state.cases = [];
  state.writes = [];
  show(h("p", { role: "alert", id: "wiped" }, t("wiped")), h("p", {}, h("a", { href: main.dataset.login }, t("login"))));
}

function pinForm(id, fields, onsubmit) {
  const form = h("form", { id }, fields, h("button", { type: "submit" }, t(id === "setup" ? "save" : "unlock")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const errors = await onsubmit(Object.fromEntries(new FormData(form).entries()));
    showErrors(form, errors || {});
  });
  return form;
}

function setup() {
  show(h("p", {}, t("set_pin")), pinForm("setup", [field("pin", t("pin"), { type: "password" }), field("pin2", t("pin_again"), { type: "password" })],
    async ({ pin, pin2 }) => {
      if (!/^\d{6,}$/.test(pin)) return { pin: [t("pin_short")] };
      if (pin !== pin2) return { pin2: [t("pins_differ")] };
      const { status, data } = await sync.api(state, "devices", { label: navigator.userAgent.slice(0, 100) });
      if (status !== 201) return { pin: [data.message || String(status)] };
      await vault.create(pin);
      await vault.setMeta("device", data);
      await vault.setMeta("last_sync", Date.now());
      go("#take");
      return {};
    }));
}

function unlockScreen() {
  show(pinForm("unlock", [field("pin", t("pin"), { type: "password" })], async ({ pin }) => {
    if (await vault.unlock(pin)) {
      await openRecords();
      render();
      return {};
    }
    if (!(await vault.exists())) return wiped();
    return { pin: [t("wrong_pin")] };
  }));
}

async function openRecords() {
  const records = await vault.all();
  state.cases = records.filter((record) => record.type === "case");
  state.writes = records.filter((record) => record.type === "write").sort((a, b) => a.seq - b.seq);
}

async function syncNow() {
  if (await sync.mustWipe()) return wiped();
  if (!(await checkSession())) return t("login_needed");
  try {
    await sync.flush(state);
  } catch {
    return t("sync_stopped");
  }
  return state.writes.length ? t("conflicts") : t("synced");
}

async function logout() {
  if (state.writes.length && !window.confirm(t("logout_confirm"))) return;
  await vault.wipe();
  if (state.online) await fetch("/accounts/logout/", { method: "POST", credentials: "same-origin", headers: { "X-CSRFToken": state.csrf } }).catch(() => null);
  location.hash = "";
  location.reload();
}

async function discard(write) {
  await vault.remove(write.rid);
  state.writes = state.writes.filter((other) => other.rid !== write.rid);
  render();
}

// The worker chose, per field, between the server's value and the device's: a new write with the
// server's values as its base, which settles the earlier one at the server.
async function resolve(write, chosen) {
  const base = Object.fromEntries(Object.entries(chosen).map(([name, pair]) => [name, pair.server]));
  const changes = Object.fromEntries(Object.entries(chosen).map(([name, pair]) => [name, pair.value]));
  await sync.queue(state, "person", write.case_ref, { base, changes, resolves: write.key });
  await discard(write);
}

async function dropUnchosen(ids) {
  for (const item of state.cases.filter((other) => !other.temp && !ids.includes(other.id))) await vault.remove(item.rid);
  state.cases = state.cases.filter((other) => other.temp || ids.includes(other.id));
}

function render() {
  setNetwork();
  if (!vault.unlocked()) return;
  const [route, id] = location.hash.slice(1).split("/");
  const item = state.cases.find((other) => other.id === id);
  if (route === "take" && state.online) return screens.take(app);
  if (route === "intake") return forms.intake(app);
  if (item && route === "case") return screens.caseView(app, item);
  if (item && FORMS[route]) return FORMS[route](app, item);
  return screens.home(app);
}

async function boot() {
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(main.dataset.worker, { scope: main.dataset.scope }).catch(() => null);
  }
  state.reference = await loadReference();
  if (!state.reference) {
    main.replaceChildren(h("p", {}, h("a", { href: main.dataset.login }, "ເຂົ້າລະບົບເທື່ອທຳອິດເມື່ອມີອິນເຕີເນັດ / Log in once while online")));
    return;
  }
  const session = await checkSession();
  app.language = (await vault.getMeta("lang")) || session?.language || "lo";
  await vault.setMeta("lang", app.language);  // the language of the last online start, kept offline
  useLanguage(state.reference, app.language);
  document.getElementById("lang").addEventListener("click", async () => {
    app.language = app.language === "lo" ? "en" : "lo";
    await vault.setMeta("lang", app.language);
    useLanguage(state.reference, app.language);
    render();
  });
  window.addEventListener("hashchange", render);
  window.addEventListener("online", () => checkSession().then(render));
  window.addEventListener("offline", () => { state.online = false; render(); });
  setNetwork();
  const lastSync = await vault.getMeta("last_sync");
  const tooOld = lastSync && Date.now() - lastSync > state.reference.wipe_after_days * DAY;
  if ((await vault.exists()) && (tooOld || (state.online && (await sync.mustWipe())))) return wiped();
  if (await vault.exists()) return unlockScreen();
  if (!session) return loginPrompt(t("login_needed"));
  return setup();
}

boot();
