import { afterEach, expect, test, vi } from "vitest";
import { focusWhenReady } from "./focusWhenReady";

afterEach(() => {
  document.body.replaceChildren();
});

test("focuses the element once it appears, and gives up after the last frame", () => {
  const frames: FrameRequestCallback[] = [];
  vi.stubGlobal("requestAnimationFrame", (callback: FrameRequestCallback) => frames.push(callback));
  focusWhenReady("composer", 2);
  expect(frames).toHaveLength(1);
  const composer = document.createElement("textarea");
  composer.id = "composer";
  document.body.append(composer);
  frames.shift()?.(0);
  expect(composer).toHaveFocus();

  focusWhenReady("missing", 1);
  frames.shift()?.(0);
  expect(frames).toHaveLength(0);
  vi.unstubAllGlobals();
});
