// The last GET /consultation answer, kept so the next visit draws the page at once and then
// refreshes it (the question and rules change rarely; the figures say when they were taken).
const STORE = "agora.consultation";

export function cached() {
  try {
    return JSON.parse(localStorage.getItem(STORE) ?? "null");
  } catch {
    return null;
  }
}

export function remember(consultation) {
  localStorage.setItem(STORE, JSON.stringify(consultation));
  return consultation;
}
