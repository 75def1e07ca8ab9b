import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import "./index.css";
import { initialLanguage, setupI18n } from "./i18n";
import { App } from "./app/App";

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root element");

void setupI18n(initialLanguage()).then(() => {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
});
