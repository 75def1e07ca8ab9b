// The small pieces under an answer, each on its own.
import type { Meta, StoryObj } from "@storybook/react-vite";
import { fn } from "storybook/test";
import { Citations } from "./Citations";
import { EscalationOffer } from "./EscalationOffer";
import { Feedback } from "./Feedback";
import { QuickReplies } from "./QuickReplies";

const meta = {
  component: Citations,
  args: {
    citations: [
      {
        id: "k1",
        title: "Reset a user password",
        url: "https://help.salesforce.com/reset",
        snippet: "From Setup.",
      },
      { id: "k2", title: "Password policies", url: null, snippet: "" },
    ],
  },
} satisfies Meta<typeof Citations>;
export default meta;
type Story = StoryObj<typeof meta>;

export const Sources: Story = {};
export const SuggestedReplies: Story = {
  render: () => <QuickReplies replies={["Thanks", "Show me more"]} onSelect={fn()} />,
};
export const FeedbackButtons: Story = { render: () => <Feedback rating="down" onRate={fn()} /> };
export const HandOff: Story = { render: () => <EscalationOffer onAccept={fn()} /> };
