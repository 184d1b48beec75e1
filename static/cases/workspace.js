// Keyboard-first workspace: "/" jumps to the search box; a form marked data-once cannot be
// sent twice (the server refuses duplicates too; this spares the officer the second wait).
document.addEventListener("keydown", (event) => {
  if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
  const tag = (event.target.tagName || "").toLowerCase();
  if (["input", "textarea", "select"].includes(tag) || event.target.isContentEditable) return;
  const search = document.querySelector("input[type=search]");
  if (search) {
    event.preventDefault();
    search.focus();
    search.select();
  }
});
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!form.matches("[data-once]")) return;
  if (form.dataset.sent) {
    event.preventDefault();
    return;
  }
  form.dataset.sent = "1";
  // Keep the clicked button's name/value in the submission, then disable the others.
  setTimeout(() => form.querySelectorAll("button[type=submit]").forEach((b) => { b.disabled = true; }), 0);
});
document.addEventListener("toggle", (event) => {
  const details = event.target;
  if (details.tagName === "DETAILS" && details.open) {
    const first = details.querySelector("textarea, input:not([type=hidden]), select, button[type=submit]");
    if (first) first.focus();
  }
}, true);
