// The COMMIT screening rule, evaluated on the device from the definition the server exports
// (casework/screening_rule.py `definition`): the formula, each element's threshold and each
// indicator's element and strength are data, so the device asks exactly the server's question.
// tests/browser/test_offline_rule.py runs both on a table of cases and holds them equal.

export function wholeYears(start, end) {
  const [sy, sm, sd] = start.split("-").map(Number);
  const [ey, em, ed] = end.split("-").map(Number);
  return ey - sy - ((em < sm || (em === sm && ed < sd)) ? 1 : 0);
}

// casework.ages.age_on: a birth date beats an estimate (the age on the day it was estimated).
export function ageOn(person, on) {
  if (person.date_of_birth) return wholeYears(person.date_of_birth, on);
  if (person.estimated_age !== null && person.estimated_age !== undefined && person.estimated_age !== ""
      && person.age_estimated_on) {
    return Math.max(0, Number(person.estimated_age) + wholeYears(person.age_estimated_on, on));
  }
  return null;
}

export function isChild(rule, age) {
  return age !== null && age !== undefined && age < rule.formula.adult_age;
}

function present(strengths, threshold) {
  const strong = strengths.filter((s) => s === "strong").length;
  const mediumOrStrong = strong + strengths.filter((s) => s === "medium").length;
  return strong >= threshold.strong || mediumOrStrong >= threshold.medium
    || (threshold.weak !== null && strengths.length >= threshold.weak);
}

// The indicators a screener may choose: the other age group's are refused by the server.
export function applicable(rule, code, age) {
  const group = rule.indicators[code]?.applies_to;
  if (age === null || age === undefined || group === "both") return true;
  return group === (isChild(rule, age) ? "child" : "adult");
}

export function evaluate(rule, codes, age) {
  const strengths = Object.fromEntries(Object.keys(rule.thresholds).map((element) => [element, []]));
  for (const code of codes) {
    const indicator = rule.indicators[code];
    if (!indicator) throw new Error(`Unknown indicator: ${code}`);
    strengths[indicator.element].push(indicator.strength);
  }
  const facts = Object.fromEntries(
    Object.entries(strengths).map(([element, found]) => [element, present(found, rule.thresholds[element])]));
  facts.child = isChild(rule, age);
  const formula = rule.formula.indicative;
  const indicative = formula.all.every((name) => facts[name]) && formula.any.some((name) => facts[name]);
  const someElement = facts.act || facts.means || facts.purpose;
  const outcomes = rule.formula.outcomes;
  return {
    act: facts.act, means: facts.means, purpose: facts.purpose, age, indicative,
    suggested: indicative ? outcomes.indicative : (someElement ? outcomes.some_element : outcomes.none),
  };
}
