import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import "./index.css";
import { initialLanguage, setupI18n } from "./i18n";
import { applyPreferences, loadPreferences } from "./lib/preferences";
import { App } from "./app/App";

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root element");

// Theme, contrast and motion go on <html> before anything renders, so the first paint already has the right
// colours. (The CSP forbids inline scripts, so this runs here, first thing in the module.)
applyPreferences(loadPreferences());

void setupI18n(initialLanguage()).then(() => {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
});
