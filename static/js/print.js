// The print page's "Print" button (no inline script: the CSP allows our own files only).
document.getElementById("print")?.addEventListener("click", () => window.print());
