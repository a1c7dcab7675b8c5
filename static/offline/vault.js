// The device's store: IndexedDB holding only ciphertext. A key is derived from the worker's
// offline PIN (PBKDF2-SHA-256, a random salt) and never stored: it lives in memory while the app
// is unlocked. Each record (a case, a queued write) is one AES-GCM ciphertext under a random id.
// In clear stay only what holds no personal data: the salt, a check value, the device's id and
// secret (they ask the server whether to wipe), the language and when the device last synced.

const DB = "pathway-offline";
const ITERATIONS = 310000;
const CHECK = "pathway-vault";
export const MAX_FAILURES = 10;

let key = null;
let connection = null;

function request(result) {
  return new Promise((resolve, reject) => {
    result.onsuccess = () => resolve(result.result);
    result.onerror = () => reject(result.error);
  });
}

async function open() {
  if (!connection) {
    const opening = indexedDB.open(DB, 1);
    opening.onupgradeneeded = () => {
      opening.result.createObjectStore("meta");
      opening.result.createObjectStore("records", { keyPath: "id" });
    };
    connection = await request(opening);
    connection.onversionchange = () => { connection.close(); connection = null; };
  }
  return connection;
}

async function store(name, mode = "readonly") {
  return (await open()).transaction(name, mode).objectStore(name);
}

export async function getMeta(name) {
  return request((await store("meta")).get(name));
}

export async function setMeta(name, value) {
  return request((await store("meta", "readwrite")).put(value, name));
}

async function derive(pin, salt) {
  const material = await crypto.subtle.importKey("raw", new TextEncoder().encode(pin), "PBKDF2", false, ["deriveKey"]);
  return crypto.subtle.deriveKey({ name: "PBKDF2", hash: "SHA-256", salt, iterations: ITERATIONS },
    material, { name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]);
}

async function seal(value) {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const data = new TextEncoder().encode(JSON.stringify(value));
  return { iv, ct: new Uint8Array(await crypto.subtle.encrypt({ name: "AES-GCM", iv }, key, data)) };
}

async function unseal(box) {
  const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv: box.iv }, key, box.ct);
  return JSON.parse(new TextDecoder().decode(plain));
}

export async function exists() {
  return Boolean(await getMeta("vault"));
}

export async function create(pin) {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  key = await derive(pin, salt);
  await setMeta("vault", { salt, check: await seal(CHECK) });
  await setMeta("failures", 0);
}

// True when the PIN opens the vault; after MAX_FAILURES wrong PINs in a row the vault is wiped.
export async function unlock(pin) {
  const vault = await getMeta("vault");
  const candidate = await derive(pin, vault.salt);
  try {
    key = candidate;
    if ((await unseal(vault.check)) !== CHECK) throw new Error("check");
    await setMeta("failures", 0);
    return true;
  } catch {
    key = null;
    const failures = ((await getMeta("failures")) || 0) + 1;
    await setMeta("failures", failures);
    if (failures >= MAX_FAILURES) await wipe();
    return false;
  }
}

export function unlocked() {
  return key !== null;
}

export async function put(record) {
  const id = record.rid || crypto.randomUUID();
  const box = await seal({ ...record, rid: id });
  await request((await store("records", "readwrite")).put({ id, ...box }));
  return id;
}

export async function remove(id) {
  return request((await store("records", "readwrite")).delete(id));
}

export async function all() {
  const boxes = await request((await store("records")).getAll());
  return Promise.all(boxes.map(unseal));
}

// Delete everything the device holds of the worker's cases and writes.
export async function wipe() {
  key = null;
  connection?.close();
  connection = null;
  await new Promise((resolve) => {
    const deleting = indexedDB.deleteDatabase(DB);
    deleting.onsuccess = deleting.onerror = deleting.onblocked = () => resolve();
  });
}
