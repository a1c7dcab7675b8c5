// The forms of field work. Each checks what it can on the device, saves the write in the queue
// (encrypted) and updates the case on the device; the server checks everything again at sync.
import { h, t, choices, label, show, field, showErrors, parseDate, today, formValues } from "./dom.js";
import { ageOn, applicable, evaluate, isChild } from "./rule.js";
import * as sync from "./sync.js";

const PERSON_TEXT = ["given_name_lo", "family_name_lo", "given_name_latin", "family_name_latin", "phone", "origin_village"];

function page(app, title, form, back = "#") {
  show(h("h1", {}, title), form, h("p", {}, h("a", { href: back }, t("back"))));
}

function dateOrError(values, name, errors, required = true) {
  if (!values[name]) {
    if (required) errors[name] = [t("required")];
    return "";
  }
  const iso = parseDate(values[name]);
  if (!iso || iso > today()) errors[name] = [t("bad_date")];
  return iso || "";
}

function submit(form, check) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const errors = {};
    const done = await check(formValues(form), errors);
    showErrors(form, errors);
    if (Object.keys(errors).length === 0 && done) await done();
  });
}

export function intake(app) {
  const form = h("form", { id: "intake" },
    PERSON_TEXT.map((name) => field(name, t(name))),
    field("sex", t("sex"), { options: choices("sex"), required: true }),
    field("date_of_birth", t("date_of_birth"), { hint: t("date_hint") }),
    field("estimated_age", t("estimated_age"), { type: "number" }),
    field("category", t("category"), { options: choices("category"), required: true }),
    field("identification_route", t("identification_route"), { options: choices("identification_route"), required: true }),
    field("identified_on", t("identified_on"), { hint: t("date_hint"), value: today().split("-").reverse().join("/") }),
    h("button", { type: "submit" }, t("save")));
  submit(form, (values, errors) => {
    for (const name of ["sex", "category", "identification_route"]) if (!values[name]) errors[name] = [t("required")];
    const identifiedOn = dateOrError(values, "identified_on", errors);
    const birth = dateOrError(values, "date_of_birth", errors, false);
    const age = values.estimated_age === "" ? null : Number(values.estimated_age);
    if (age !== null && !(Number.isInteger(age) && age >= 0 && age <= 120)) errors.estimated_age = [t("required")];
    if (!values.given_name_lo && !values.given_name_latin) errors.given_name_lo = [t("required")];
    return async () => {
      const tempCode = `TMP-${crypto.randomUUID().slice(0, 8).toUpperCase()}`;
      const person = Object.fromEntries(PERSON_TEXT.map((name) => [name, values[name].trim()]));
      Object.assign(person, { sex: values.sex, date_of_birth: birth, estimated_age: age, age_estimated_on: age === null ? "" : identifiedOn });
      await sync.queue(app.state, "intake", "", { temp_code: tempCode, ...person, category: values.category,
        identification_route: values.identification_route, identified_on: identifiedOn });
      await sync.saveCase(app.state, { type: "case", id: tempCode, code: tempCode, temp: true, category: values.category,
        identified_on: identifiedOn, exploitation_started_on: "", person, server: person, notes: [], visits: [] });
      app.go(`#case/${tempCode}`);
    };
  });
  page(app, t("intake"), form);
}

export function screening(app, item) {
  const rule = app.state.reference.rule;
  const age = ageOn(item.person, item.exploitation_started_on || item.identified_on);
  const child = isChild(rule, ageOn(item.person, today()));
  const names = Object.fromEntries(app.state.reference.indicators.map((row) => [row.code, row[app.language] || row.en]));
  const suggestion = h("output", { id: "suggested" });
  const outcome = field("outcome", t("outcome"), { options: choices("outcome").filter(([code]) => code !== "actual_victim") });
  const groups = choices("element").map(([element, elementName]) => h("fieldset", {}, h("legend", {}, elementName),
    Object.entries(rule.indicators).filter(([code, row]) => row.element === element && applicable(rule, code, age))
      .map(([code]) => h("label", { class: "check" }, h("input", { type: "checkbox", name: "indicator", value: code }), ` ${names[code] || code}`))));
  const form = h("form", { id: "screening" },
    field("screened_on", t("screened_on"), { hint: t("date_hint"), value: today().split("-").reverse().join("/") }),
    field("place", t("place"), { options: choices("screening_place"), required: true }),
    h("h2", {}, t("indicators")), groups, h("span", { class: "error", "data-error": "indicators" }),
    h("p", {}, t("suggested"), ": ", suggestion), outcome,
    field("override_reason", t("override_reason"), { type: "textarea" }),
    child ? field("guardian", t("guardian"), { options: [["yes", "✓"], ["no", "✗"]], required: true }) : null,
    h("button", { type: "submit" }, t("save")));
  const chosen = () => [...form.querySelectorAll("input[name=indicator]:checked")].map((box) => box.value);
  const select = outcome.querySelector("select");
  const refresh = () => {
    const result = evaluate(rule, chosen(), age);
    suggestion.textContent = label("outcome", result.suggested);
    suggestion.dataset.outcome = result.suggested;
    select.value = result.suggested;
  };
  form.addEventListener("change", (event) => { if (event.target.name === "indicator") refresh(); });
  refresh();
  submit(form, (values, errors) => {
    const screenedOn = dateOrError(values, "screened_on", errors);
    const suggested = suggestion.dataset.outcome;
    if (values.outcome && values.outcome !== suggested && !values.override_reason.trim()) errors.override_reason = [t("required")];
    if (child && !values.guardian) errors.guardian = [t("required")];
    if (!values.place) errors.place = [t("required")];
    return async () => {
      await sync.queue(app.state, "screening", item.id, { screened_on: screenedOn, place: values.place,
        indicators: chosen(), outcome: values.outcome || suggested, override_reason: values.override_reason,
        guardian_or_social_worker_present: child ? values.guardian === "yes" : null });
      app.go(`#case/${item.id}`);
    };
  });
  page(app, `${t("screen")} · ${item.code}`, form, `#case/${item.id}`);
}

export function note(app, item) {
  const form = h("form", { id: "note" },
    field("kind", t("category"), { options: choices("note_kind"), value: "general" }),
    field("text", t("text"), { type: "textarea", required: true }), h("button", { type: "submit" }, t("save")));
  submit(form, (values, errors) => {
    if (!values.text.trim()) errors.text = [t("required")];
    return async () => {
      const kind = values.kind || "general";
      await sync.queue(app.state, "note", item.id, { text: values.text, kind });
      item.notes = [{ kind, text: values.text, written_at: new Date().toISOString() }, ...(item.notes || [])];
      await sync.saveCase(app.state, item);
      app.go(`#case/${item.id}`);
    };
  });
  page(app, `${t("note")} · ${item.code}`, form, `#case/${item.id}`);
}

export function visit(app, item) {
  const visits = (item.visits || []).map((row) => [row.id, `${t("due")} ${row.due_on.split("-").reverse().join("/")}`]);
  if (!visits.length) return page(app, t("visit"), h("p", {}, t("no_visits")), `#case/${item.id}`);
  const form = h("form", { id: "visit" },
    field("visit_id", t("due"), { options: visits, value: visits[0][0], required: true }),
    field("done_on", t("done_on"), { hint: t("date_hint"), value: today().split("-").reverse().join("/") }),
    field("place", t("place")), field("met_with", t("met_with")),
    field("wellbeing", t("findings"), { options: choices("wellbeing") }),
    field("notes", t("text"), { type: "textarea" }), h("button", { type: "submit" }, t("save")));
  submit(form, (values, errors) => {
    const doneOn = dateOrError(values, "done_on", errors);
    return async () => {
      await sync.queue(app.state, "visit", item.id, { ...values, done_on: doneOn });
      item.visits = item.visits.filter((row) => row.id !== values.visit_id);
      await sync.saveCase(app.state, item);
      app.go(`#case/${item.id}`);
    };
  });
  page(app, `${t("visit")} · ${item.code}`, form, `#case/${item.id}`);
}

// A correction of identity fields, sent with the values the server had when the case was taken
// (`server`): the server applies a field only if nobody changed it since, else asks the worker.
export function edit(app, item) {
  const form = h("form", { id: "edit" }, PERSON_TEXT.map((name) => field(name, t(name), { value: item.person[name] || "" })),
    h("button", { type: "submit" }, t("save")));
  submit(form, (values) => async () => {
    const changes = Object.fromEntries(PERSON_TEXT.filter((name) => values[name].trim() !== (item.person[name] || ""))
      .map((name) => [name, values[name].trim()]));
    if (Object.keys(changes).length) {
      const base = Object.fromEntries(Object.keys(changes).map((name) => [name, item.server[name] || ""]));
      await sync.queue(app.state, "person", item.id, { base, changes });
      Object.assign(item.person, changes);
      await sync.saveCase(app.state, item);
    }
    app.go(`#case/${item.id}`);
  });
  page(app, `${t("edit")} · ${item.code}`, form, `#case/${item.id}`);
}

function base64(buffer) {
  let text = "";
  const bytes = new Uint8Array(buffer);
  for (let start = 0; start < bytes.length; start += 0x8000) text += String.fromCharCode(...bytes.subarray(start, start + 0x8000));
  return btoa(text);
}

// A photo of a document: the camera's picture is queued (encrypted, as base64) and added at sync
// through the server's attachment checks; too large a file is refused here, before queuing.
export function photo(app, item) {
  const kinds = choices("attachment_kind").filter(([code]) => code !== "medical" || item.health_files);
  const form = h("form", { id: "photo" }, field("file", t("file"), { type: "file", required: true }),
    field("kind", t("kind"), { options: kinds, value: "identity_document", required: true }),
    field("description", t("description"), { hint: t("description_hint") }), h("button", { type: "submit" }, t("save")));
  const input = form.querySelector("input[type=file]");
  input.setAttribute("accept", "image/*");
  input.setAttribute("capture", "environment");
  input.addEventListener("change", () => showErrors(form, {}));  // a new photo: the old refusal goes
  submit(form, (values, errors) => {
    const file = input.files[0];
    if (!file || !file.size) errors.file = [t("required")];
    else if (file.size > app.state.reference.photo_max_bytes) errors.file = [t("photo_too_large")];
    if (!values.kind) errors.kind = [t("required")];
    if (values.description.length > 200) errors.description = [t("too_long")];
    return async () => {
      const data = base64(await file.arrayBuffer());
      await sync.queue(app.state, "photo", item.id, { kind: values.kind, description: values.description.trim(), type: file.type, data });
      app.go(`#case/${item.id}`);
    };
  });
  page(app, `${t("photo")} · ${item.code}`, form, `#case/${item.id}`);
}
