// Every Storybook story as a browser test (axe set to error), once per display mode: light, dark, high contrast,
// dark high contrast and right-to-left Arabic (.storybook/preview.tsx reads VITE_STORY_MODE). Extra arguments go
// to vitest, e.g. `npm run test:stories -- src/components/ui`.
import { spawnSync } from "node:child_process";

const modes = ["light", "dark", "high-contrast", "dark-high-contrast", "rtl"];
const failed = [];
for (const mode of modes) {
  console.log(`\n== stories in mode: ${mode}`);
  const run = spawnSync("npx", ["vitest", "run", "--project", "storybook", ...process.argv.slice(2)], {
    stdio: "inherit",
    env: { ...process.env, VITE_STORY_MODE: mode },
  });
  if (run.status !== 0) failed.push(mode);
}
if (failed.length) {
  console.error(`\nStories failed in mode(s): ${failed.join(", ")}`);
  process.exit(1);
}
console.log(`\nEvery story passed (axe included) in: ${modes.join(", ")}`);
