import { readdirSync } from "node:fs";
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";
import jsxA11y from "eslint-plugin-jsx-a11y";
import reactHooks from "eslint-plugin-react-hooks";
import storybook from "eslint-plugin-storybook";
import { createNodeResolver, importX } from "eslint-plugin-import-x";

// Import boundaries: src/ is layered and imports run one way, from the top of this list towards the bottom.
//   app/         the shell: providers, routing, the signed-in page (may import everything below)
//   features/    one folder per capability (auth); a feature never imports another feature
//   components/  presentational and container components (ui/ primitives, Chat/, Layout/, Markdown/)
//   hooks/       React hooks that read the store and call the services
//   services/    everything outside React with an identity: REST client, session, socket, chat service
//   store/       Redux: slices and selectors
//   lib/         framework-free helpers (preferences, formatting, transcripts, focus, history path)
//   i18n/, api/generated/  translations and the wire types: the foundation
// Test support (tests, stories, src/testing and the story/test helpers beside components) may import any layer
// and production code may not import it. A rule broken here is a design question, not a lint nit: move the code
// to the layer it belongs to (a hook that reads the store lives in hooks/, not lib/).
const TEST_SUPPORT = [
  "src/**/*.test.{ts,tsx}",
  "src/**/*.stories.{ts,tsx}",
  "src/testing/**",
  "src/**/storyProviders.tsx",
  "src/**/storyDocument.ts",
  "src/**/testing.tsx",
  "src/**/testUtils.tsx",
  "src/**/fixtures.ts",
];
const LAYERS = ["lib", "store", "services", "hooks", "components", "features", "app"];
const FEATURES = readdirSync(new URL("src/features", import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);
const layerZones = [
  ...LAYERS.slice(0, -1).map((layer, index) => ({
    target: `./src/${layer}`,
    from: LAYERS.slice(index + 1).map((above) => `./src/${above}`),
    message: `src/${layer} sits below ${LAYERS.slice(index + 1).join(", ")}: see the layer list in eslint.config.js.`,
  })),
  { target: "./src/i18n", from: LAYERS.map((layer) => `./src/${layer}`), message: "i18n is the foundation." },
  ...FEATURES.map((feature) => ({
    target: `./src/features/${feature}`,
    from: "./src/features",
    except: [`./${feature}`],
    message: "Features do not import each other: share through components/, hooks/ or services/.",
  })),
  {
    target: "./src",
    from: "./src/testing",
    message: "Production code never imports test support.",
  },
];

export default tseslint.config(
  {
    ignores: [
      "dist",
      "coverage",
      "storybook-static",
      "playwright-report",
      "test-results",
      "src/api/generated",
      "scripts",
    ],
  },
  {
    files: ["**/*.{ts,tsx}"],
    extends: [
      js.configs.recommended,
      ...tseslint.configs.strictTypeChecked,
      ...tseslint.configs.stylisticTypeChecked,
      jsxA11y.flatConfigs.strict,
      reactHooks.configs.flat["recommended-latest"],
    ],
    languageOptions: {
      globals: { ...globals.browser },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/restrict-template-expressions": ["error", { allowNumber: true }],
      "@typescript-eslint/no-confusing-void-expression": ["error", { ignoreArrowShorthand: true }],
    },
  },
  {
    files: ["src/**/*.{ts,tsx}"],
    plugins: { "import-x": importX },
    settings: {
      // Without these the plugin resolves a .ts import but never parses it, and no-cycle sees no cycle.
      "import-x/extensions": [".ts", ".tsx", ".js"],
      "import-x/parsers": { "@typescript-eslint/parser": [".ts", ".tsx"] },
      "import-x/resolver-next": [createNodeResolver({ extensions: [".ts", ".tsx", ".js", ".json"] })],
    },
    rules: {
      // The rule skips type-only imports (erased at build); the layer zones below still hold those to one direction.
      "import-x/no-cycle": ["error", { ignoreExternal: true }],
    },
  },
  {
    files: ["src/**/*.{ts,tsx}"],
    ignores: TEST_SUPPORT,
    plugins: { "import-x": importX },
    rules: {
      "import-x/no-restricted-paths": ["error", { basePath: import.meta.dirname, zones: layerZones }],
    },
  },
  ...storybook.configs["flat/recommended"],
);
