// The screens that show what the device holds: the cases, one case, choosing cases to take,
// and the writes the server sent back (a conflict to settle, a refusal to read).
import { h, t, label, show, showDate } from "./dom.js";
import * as sync from "./sync.js";

function button(text, onclick, attributes = {}) {
  return h("button", { type: "button", onclick, ...attributes }, text);
}

function link(text, hash) {
  return h("a", { href: hash, class: "button" }, text);
}

function personName(person) {
  const lao = [person.given_name_lo, person.family_name_lo].filter(Boolean).join(" ");
  const latin = [person.given_name_latin, person.family_name_latin].filter(Boolean).join(" ");
  return [lao, latin].filter(Boolean).join(" · ") || "—";
}

export function home(app) {
  const { state } = app;
  const queued = state.writes.filter((write) => write.status === "queued").length;
  const waiting = state.writes.filter((write) => write.status !== "queued");
  const status = h("p", { role: "status", id: "sync-status" }, `${t("pending")} ${queued}`,
    state.message ? h("strong", {}, ` · ${state.message}`) : null);
  const syncButton = button(t("sync"), async () => {
    syncButton.disabled = true;
    status.textContent = "…";
    state.message = await app.syncNow();
    app.go("#");
  }, { id: "sync", disabled: !state.online });
  show(
    h("h1", {}, t("my_cases")),
    h("p", { class: "actions" }, link(t("intake"), "#intake"), state.online ? link(t("take"), "#take") : null),
    state.cases.length
      ? h("ul", { class: "cards", id: "cases" }, state.cases.map((item) => h("li", { class: "card" },
        h("a", { href: `#case/${item.id}` }, h("strong", {}, item.code), " ", personName(item.person)),
        h("span", {}, label("category", item.category)))))
      : h("p", {}, t("no_cases")),
    h("section", {}, status, syncButton),
    waiting.length ? h("section", { id: "answers" }, h("h2", {}, t("conflicts")),
      waiting.map((write) => answerView(app, write))) : null,
    h("p", {}, button(t("logout"), () => app.logout(), { id: "logout", class: "danger" })),
  );
}

function answerView(app, write) {
  if (write.status === "refused") {
    const fields = Object.entries(write.answer.fields || {}).map(([name, messages]) => `${t(name)}: ${messages.join(" ")}`);
    return h("div", { class: "card refused" }, h("strong", {}, t("refused")), h("p", {}, write.answer.message),
      fields.map((line) => h("p", {}, line)), button(t("discard"), () => app.discard(write)));
  }
  const item = app.state.cases.find((other) => other.id === write.answer.case_id);
  const rows = Object.entries(write.answer.values).map(([name, values]) => h("fieldset", { "data-field": name },
    h("legend", {}, t(name)),
    ["server", "device"].map((side) => h("label", {},
      h("input", { type: "radio", name: `${write.key}-${name}`, value: side, "data-side": side }),
      ` ${t(side === "server" ? "on_server" : "on_device")}: `, h("q", {}, values[side] || "—")))));
  const form = h("form", { class: "card conflict", "data-key": write.key },
    h("strong", {}, item ? item.code : ""), h("p", {}, t("conflict_help")), rows,
    h("button", { type: "submit" }, t("keep")));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const chosen = {};
    for (const [name, values] of Object.entries(write.answer.values)) {
      const picked = form.querySelector(`input[name="${write.key}-${name}"]:checked`);
      if (!picked) return form.querySelector(`input[name="${write.key}-${name}"]`).focus();
      chosen[name] = { value: values[picked.value], server: values.server };
    }
    app.resolve(write, chosen);
  });
  return form;
}

export async function take(app) {
  const list = h("ul", { class: "cards" }, h("li", {}, "…"));
  const form = h("form", { id: "take" }, list, h("button", { type: "submit" }, t("take_save")));
  show(h("h1", {}, t("take")), form, link(t("back"), "#"));
  const { status, data } = await sync.api(app.state, "cases");
  if (status !== 200) return list.replaceChildren(h("li", {}, data.message || String(status)));
  const onDevice = new Set(app.state.cases.map((item) => item.id));
  list.replaceChildren(...data.cases.map((item) => h("li", { class: "card" }, h("label", {},
    h("input", { type: "checkbox", name: "case", value: item.id, checked: onDevice.has(item.id) }),
    ` ${item.code} ${item.name} · ${label("category", item.category)}`))));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const ids = [...form.querySelectorAll("input[name=case]:checked")].map((box) => box.value);
    await sync.take(app.state, ids);
    await app.dropUnchosen(ids);
    app.go("#");
  });
}

export function caseView(app, item) {
  const person = item.person;
  const facts = [
    [t("sex"), label("sex", person.sex)],
    [t("date_of_birth"), showDate(person.date_of_birth)],
    [t("estimated_age"), person.estimated_age ?? ""],
    [t("phone"), person.phone],
    [t("origin_village"), person.origin_village],
    [t("category"), label("category", item.category)],
    [t("identified_on"), showDate(item.identified_on)],
  ];
  show(
    h("h1", {}, `${item.code} · ${personName(person)}`),
    item.temp ? h("p", {}, t("temp_code")) : null,
    h("dl", {}, facts.filter(([, value]) => value !== "" && value !== null)
      .map(([name, value]) => [h("dt", {}, name), h("dd", {}, value)])),
    h("p", { class: "actions" }, link(t("screen"), `#screen/${item.id}`), link(t("note"), `#note/${item.id}`),
      link(t("photo"), `#photo/${item.id}`),
      item.temp ? null : link(t("visit"), `#visit/${item.id}`), item.temp ? null : link(t("edit"), `#edit/${item.id}`)),
    h("h2", {}, t("text")),
    h("ul", { class: "notes" }, (item.notes || []).map((note) => h("li", {},
      h("small", {}, `${showDate(note.written_at)} · ${label("note_kind", note.kind)}`), h("p", {}, note.text)))),
    link(t("back"), "#"),
  );
}
