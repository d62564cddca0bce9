// The theme the user picked, kept in this browser (no server round trip, no cookie); null when never picked.
const key = 'workbench.theme';

export function get() {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

export function set(value) {
  try {
    localStorage.setItem(key, value);
  } catch {
    // Private mode or storage full: the choice lasts this visit only.
  }
}
