// Test helper: render with a fresh Redux store (the Layout views read display settings and dispatch to it).
import { render } from "@testing-library/react";
import type { ReactElement } from "react";
import { Provider } from "react-redux";
import { makeStore } from "../../store";

export function renderWithStore(ui: ReactElement, store = makeStore()) {
  return { store, ...render(<Provider store={store}>{ui}</Provider>) };
}
