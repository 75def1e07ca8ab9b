import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, expect, test, vi } from "vitest";
import { SettingsDialog } from "./SettingsDialog";
import { renderWithStore } from "./testUtils";

afterEach(() => {
  localStorage.clear();
});

test("theme, contrast and motion go to the store", async () => {
  const { store } = renderWithStore(<SettingsDialog open onClose={vi.fn()} />);
  expect(screen.getByRole("dialog", { name: "Settings" })).toBeInTheDocument();
  const theme = screen.getByRole("combobox", { name: "Theme" });
  expect(theme).toHaveValue("system");
  expect(Array.from((theme as HTMLSelectElement).options, (option) => option.text)).toEqual([
    "System",
    "Light",
    "Dark",
  ]);
  await userEvent.selectOptions(theme, "Dark");
  await userEvent.click(screen.getByRole("switch", { name: "High contrast" }));
  await userEvent.click(screen.getByRole("switch", { name: "Reduce motion" }));
  expect(store.getState().ui).toMatchObject({ theme: "dark", highContrast: true, reducedMotion: "reduce" });
  await userEvent.click(screen.getByRole("switch", { name: "Reduce motion" }));
  expect(store.getState().ui.reducedMotion).toBe("system");
});

test("languages are listed by their own names", () => {
  renderWithStore(<SettingsDialog open onClose={vi.fn()} />);
  const language = screen.getByRole("combobox", { name: "Language" });
  expect(language).toHaveValue("en");
  expect(screen.getByRole("option", { name: "Deutsch" })).toHaveAttribute("lang", "de");
  expect(screen.getByRole("option", { name: "العربية" })).toBeInTheDocument();
});

test("a language that fails to load is reported and the choice goes back", async () => {
  const { store } = renderWithStore(<SettingsDialog open onClose={vi.fn()} />);
  // Only English ships in the tests' locale folder when no translation exists yet; mock the load to fail.
  const i18n = await import("../../i18n");
  vi.spyOn(i18n, "changeLanguage").mockRejectedValueOnce(new Error("no file"));
  await userEvent.selectOptions(screen.getByRole("combobox", { name: "Language" }), "Deutsch");
  expect(await screen.findByRole("alert")).toHaveTextContent("Something went wrong");
  expect(store.getState().ui.language).toBe("en");
});

test("Done closes", async () => {
  const onClose = vi.fn();
  renderWithStore(<SettingsDialog open onClose={onClose} />);
  await userEvent.click(screen.getByRole("button", { name: "Done" }));
  expect(onClose).toHaveBeenCalledOnce();
});
