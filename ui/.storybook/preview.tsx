import type { Preview } from "@storybook/react-vite";
import "../src/index.css";
import { setupI18n } from "../src/i18n";

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
};
export default preview;
