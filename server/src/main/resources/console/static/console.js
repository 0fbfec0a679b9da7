// Bulwark console: progressive enhancement only. Every page works without this file; it saves a
// click here and there. Loaded as a module from /static/ (the CSP allows no inline script).

// A <select data-autosubmit> sends its form when it changes (filters).
for (const el of document.querySelectorAll("select[data-autosubmit]")) {
  el.addEventListener("change", () => el.form && el.form.requestSubmit());
}

// A <form data-confirm="question"> asks before it is sent (revoke, approve, delete).
for (const form of document.querySelectorAll("form[data-confirm]")) {
  form.addEventListener("submit", (event) => {
    if (!window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  });
}
