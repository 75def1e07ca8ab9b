import { expect, test } from "vitest";

// `make test-clock-ahead` runs this suite under libfaketime with the clock moved ahead and says by how much
// (CSAGENT_CLOCK_AHEAD_DAYS) and what the real time was when it started (CSAGENT_REAL_NOW, epoch seconds).
const aheadDays = Number(process.env.CSAGENT_CLOCK_AHEAD_DAYS ?? "0");
const realNow = Number(process.env.CSAGENT_REAL_NOW ?? "0");

test.runIf(aheadDays > 0)("the date guard really runs the suite with the clock moved ahead", () => {
  const shiftMs = aheadDays * 86_400_000;
  const drift = Date.now() - realNow * 1000 - shiftMs;
  // The suite has been running a while since the shell read the real time: up to an hour of slack.
  expect(drift).toBeGreaterThanOrEqual(-60_000);
  expect(drift).toBeLessThan(3_600_000);
  expect(new Date().getTime()).toBe(Date.now());
});
