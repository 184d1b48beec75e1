// Focus management and announcements for htmx swaps (accessibility: the screen reader and the
// keyboard follow what changed).
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.querySelector("[data-autofocus]");
  if (summary) summary.focus();
});
document.addEventListener("htmx:afterSwap", (event) => {
  const target = event.detail.target;
  const focus = target.querySelector("[data-autofocus]") || null;
  if (focus) focus.focus();
  const live = document.getElementById("live");
  const message = target.querySelector("[data-announce]");
  if (live && message) live.textContent = message.dataset.announce;
});
