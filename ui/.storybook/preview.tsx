import type { Preview } from "@storybook/react-vite";
import "../src/index.css";
import { setupI18n } from "../src/i18n";
import { arabic, dark, darkHighContrast, highContrast } from "../src/components/Layout/storyDocument";

// `npm run test:stories` runs every story once per mode (scripts/test-stories.mjs sets VITE_STORY_MODE), so axe
// checks each story in light, dark, high contrast and right-to-left Arabic. A story's own variant (e.g. its
// "Dark" export) is applied after this and wins.
const modes: Record<string, (() => unknown) | undefined> = {
  light: undefined,
  dark,
  "high-contrast": highContrast,
  "dark-high-contrast": darkHighContrast,
  rtl: arabic,
};
const mode = (import.meta.env.VITE_STORY_MODE as string | undefined) ?? "light";
if (!(mode in modes)) throw new Error(`VITE_STORY_MODE=${mode}: use one of ${Object.keys(modes).join(", ")}`);
const applyMode = modes[mode];

const preview: Preview = {
  parameters: {
    // Every story is an accessibility test: an axe violation fails it.
    a11y: {
      test: "error",
      options: { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } },
    },
  },
  loaders: [
    async () => {
      await setupI18n("en");
      return {};
    },
  ],
  ...(applyMode ? { beforeEach: applyMode as NonNullable<Preview["beforeEach"]> } : {}),
};
export default preview;
