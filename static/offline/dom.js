// Small helpers shared by the screens: building elements (text only, never HTML strings, so a
// value typed on the device can never run as script), the words in the chosen language, dates.

let words = {};
let choiceLists = {};

export function useLanguage(reference, language) {
  const chosen = reference.languages[language] || reference.languages.en;
  words = chosen.strings;
  choiceLists = chosen.choices;
  document.documentElement.lang = language;
}

export function t(key) {
  return words[key] || key;
}

export function choices(name) {
  return choiceLists[name] || [];
}

export function label(name, value) {
  const found = choices(name).find(([code]) => code === value);
  return found ? found[1] : value;
}

export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name.startsWith("on")) {
      element.addEventListener(name.slice(2), value);
    } else if (value === true) {
      element.setAttribute(name, "");
    } else if (value !== false && value !== null && value !== undefined) {
      element.setAttribute(name, value);
    }
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) {
      element.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
  }
  return element;
}

export function show(...children) {
  const main = document.getElementById("content");
  main.replaceChildren(...children.flat().filter((child) => child !== null && child !== undefined && child !== false));
  main.focus();
}

let fieldCount = 0;

// A labelled field: input (text, number, password), textarea or select of [value, label] pairs.
export function field(name, text, { type = "text", options = null, value = "", hint = "", required = false } = {}) {
  const id = `f${++fieldCount}-${name}`;
  let control;
  if (options) {
    control = h("select", { id, name, required }, h("option", { value: "" }, "—"),
      options.map(([code, shown]) => h("option", { value: code, selected: code === value }, shown)));
  } else if (type === "textarea") {
    control = h("textarea", { id, name, rows: 4, required }, value);
  } else {
    control = h("input", { id, name, type, value, required, inputmode: type === "password" ? "numeric" : null,
      autocomplete: type === "password" ? "off" : null });
  }
  return h("p", { class: "field" }, h("label", { for: id }, text), hint ? h("small", {}, ` (${hint})`) : null,
    control, h("span", { class: "error", "data-error": name }));
}

export function showErrors(form, errors) {
  for (const slot of form.querySelectorAll("[data-error]")) {
    slot.textContent = (errors[slot.dataset.error] || []).join(" ");
  }
  const first = Object.keys(errors)[0];
  if (first) form.querySelector(`[name="${first}"]`)?.focus();
}

// Dates are typed as day/month/year (or yyyy-mm-dd), kept as ISO yyyy-mm-dd.
export function parseDate(text) {
  const value = (text || "").trim();
  let match = value.match(/^(\d{4})-(\d{1,2})-(\d{1,2})$/);
  let [year, month, day] = match ? [match[1], match[2], match[3]] : [];
  if (!match) {
    match = value.match(/^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$/);
    if (!match) return null;
    [day, month, year] = [match[1], match[2], match[3]];
  }
  const iso = `${year}-${month.padStart(2, "0")}-${day.padStart(2, "0")}`;
  const parsed = new Date(`${iso}T00:00:00Z`);
  return Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== iso ? null : iso;
}

export function showDate(iso) {
  if (!iso) return "";
  const [year, month, day] = iso.slice(0, 10).split("-");
  return `${day}/${month}/${year}`;
}

export function today() {
  const now = new Date();
  const local = new Date(now.getTime() - now.getTimezoneOffset() * 60000);
  return local.toISOString().slice(0, 10);
}

export function formValues(form) {
  return Object.fromEntries(new FormData(form).entries());
}
