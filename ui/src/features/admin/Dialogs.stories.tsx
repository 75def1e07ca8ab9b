// The three confirmation dialogs of the admin screen, each open; the promote one also after the gate refused.
import type { Meta, StoryObj } from "@storybook/react-vite";
import i18next from "i18next";
import { expect, fn, userEvent, within } from "storybook/test";
import { ApiError } from "../../services/api";
import { CanaryDialog } from "./CanaryDialog";
import { makeVersion, scores, shippedModels } from "./fixtures";
import { PromoteDialog } from "./PromoteDialog";
import { RollbackDialog } from "./RollbackDialog";

const [live, candidate] = shippedModels();

const meta = {
  component: PromoteDialog,
  args: { row: candidate ?? null, live: live ?? null, onClose: fn(), onSubmit: fn(() => Promise.resolve()) },
} satisfies Meta<typeof PromoteDialog>;
export default meta;
type Story = StoryObj<typeof meta>;

export const Promote: Story = {};

const refusal = new ApiError({
  status: 409,
  code: "eval_gate_failed",
  details: {
    live: "grounded@1.0",
    candidate: "grounded@1.1",
    tolerance: 0.02,
    reason: "below_live",
    metrics: [
      { metric: "key_fact_accuracy", live: 0.857, candidate: 0.8, delta: -0.057, passed: false },
      { metric: "handoff_recall", live: 0.9, candidate: 0.9, delta: 0, passed: true },
    ],
  },
});

/** The gate refused: its comparison, then "Promote anyway" ticked, which asks for a reason. */
export const GateRefused: Story = {
  args: { onSubmit: fn(() => Promise.reject(refusal)) },
  play: async () => {
    const page = within(document.body);
    await userEvent.click(page.getByRole("button", { name: i18next.t("admin.promote") }));
    await expect(await page.findByRole("table", { name: i18next.t("admin.gateTable") })).toBeVisible();
    await userEvent.click(page.getByRole("checkbox", { name: i18next.t("admin.force") }));
    await expect(page.getByRole("textbox", { name: i18next.t("admin.reason") })).toBeVisible();
  },
};

export const Canary: StoryObj<typeof CanaryDialog> = {
  render: () => (
    <CanaryDialog row={candidate ?? null} onClose={fn()} onSubmit={fn(() => Promise.resolve())} />
  ),
};

export const RollbackCanary: StoryObj<typeof RollbackDialog> = {
  render: () => (
    <RollbackDialog
      name="grounded"
      models={[
        makeVersion({ version: "1.0", stage: "live", traffic_percent: 75, scores: scores(0.857, 0.9) }),
        makeVersion({ version: "1.1", stage: "canary", traffic_percent: 25 }),
      ]}
      onClose={fn()}
      onSubmit={fn(() => Promise.resolve())}
    />
  ),
};
