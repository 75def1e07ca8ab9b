// Test helper for the chat components: a fresh store (for announcements) around the tree.
import { render, type RenderResult } from "@testing-library/react";
import type { ReactElement } from "react";
import { Provider } from "react-redux";
import { makeStore, type AppStore } from "../../store";

export function renderWithStore(ui: ReactElement): RenderResult & { store: AppStore } {
  const store = makeStore();
  return { store, ...render(<Provider store={store}>{ui}</Provider>) };
}
