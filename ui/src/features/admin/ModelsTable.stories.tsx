import type { Meta, StoryObj } from "@storybook/react-vite";
import { fn } from "storybook/test";
import { makeVersion, scores, shippedModels } from "./fixtures";
import { ModelsTable } from "./ModelsTable";

const meta = {
  component: ModelsTable,
  args: { models: shippedModels(), onCanary: fn(), onPromote: fn(), onRollback: fn() },
} satisfies Meta<typeof ModelsTable>;
export default meta;
type Story = StoryObj<typeof meta>;

export const Shipped: Story = {};

/** A canary at 25%, the earlier live version kept for a rollback, and one version whose spec changed. */
export const WithCanary: Story = {
  args: {
    models: [
      makeVersion({ version: "1.0", previous: true, scores: scores(0.857, 0.9) }),
      makeVersion({ version: "1.1", stage: "live", traffic_percent: 75, scores: scores(0.87, 0.9) }),
      makeVersion({ version: "1.2", stage: "canary", traffic_percent: 25, scores: scores(0.88, 0.95) }),
      makeVersion({ version: "1.3", changed: true }),
    ],
  },
};

export const Busy: Story = { args: { busy: true } };
