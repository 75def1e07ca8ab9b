import type { Meta, StoryObj } from "@storybook/react-vite";
import { fn } from "storybook/test";
import { BUSY_DAY, liveFigures, makeVersion, scores, shippedModels } from "./fixtures";
import { ModelsTable } from "./ModelsTable";

const meta = {
  component: ModelsTable,
  args: { models: shippedModels(), onCanary: fn(), onPromote: fn(), onRollback: fn() },
} satisfies Meta<typeof ModelsTable>;
export default meta;
type Story = StoryObj<typeof meta>;

export const Shipped: Story = {};

/**
 * A canary at 25% whose live figures look worse than live's (more failures, slower first words), the earlier live
 * version kept for a rollback with its last replies still in the window, and one version whose spec changed.
 */
export const WithCanary: Story = {
  args: {
    models: [
      makeVersion({
        version: "1.0",
        previous: true,
        scores: scores(0.857, 0.9),
        live: liveFigures({ turns: 12, ttft_p50_ms: 380, ttft_p99_ms: 610, thumbs_up: 2 }),
      }),
      makeVersion({
        version: "1.1",
        stage: "live",
        traffic_percent: 75,
        scores: scores(0.87, 0.9),
        live: BUSY_DAY,
      }),
      makeVersion({
        version: "1.2",
        stage: "canary",
        traffic_percent: 25,
        scores: scores(0.88, 0.95),
        live: liveFigures({
          turns: 410,
          failed: 29,
          fallbacks: 12,
          ttft_p50_ms: 640,
          ttft_p99_ms: 4200,
          thumbs_up: 18,
          thumbs_down: 9,
        }),
      }),
      makeVersion({ version: "1.3", changed: true }),
    ],
  },
};

export const Busy: Story = { args: { busy: true } };
