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
// htmx swaps no error response by default. A 429 from the status lookup carries the message
// "too many attempts, try again at …" for the result area: show it like any other answer.
document.addEventListener("htmx:beforeSwap", (event) => {
  if (event.detail.xhr.status === 429) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
