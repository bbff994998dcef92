// A <select data-autosubmit> submits its form when changed (the CSP refuses inline onchange handlers).
document.querySelectorAll("select[data-autosubmit]").forEach((select) => {
  select.addEventListener("change", () => select.form.submit());
});
