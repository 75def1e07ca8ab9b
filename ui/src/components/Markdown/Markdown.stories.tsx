// Queries use the translated names: `npm run test:stories` also runs every story in Arabic.
import i18next from "i18next";
import type { Meta, StoryObj } from "@storybook/react-vite";
import { expect, waitFor, within } from "storybook/test";
import { dark, darkHighContrast, highContrast } from "../Layout/storyDocument";
import { withProviders } from "../Chat/storyProviders";
import { Markdown } from "./Markdown";

const sample = `Here is how to find open cases:

1. Open the **Cases** tab.
2. Run this query:

\`\`\`soql
SELECT Id, Subject FROM Case WHERE IsClosed = false LIMIT 10
\`\`\`

An Apex trigger that sets a field:

\`\`\`apex
trigger SetPriority on Case (before insert) {
    for (Case c : Trigger.new) {
        // High by default for new cases
        c.Priority = 'High';
    }
}
\`\`\`

\`\`\`json
{ "status": "open", "count": 3, "escalated": false }
\`\`\`

| Field | Type |
| ----- | ---- |
| Subject | Text |

> Tip: see the [help site](https://help.salesforce.com/) or mail [support](mailto:help@example.com).`;

const meta = {
  component: Markdown,
  decorators: [withProviders],
  args: { children: sample },
  play: async ({ canvasElement }) => {
    // Wait for the lazy renderer and the highlighter, so axe checks the colours of highlighted code.
    await within(canvasElement).findAllByRole("button", { name: i18next.t("chat.copyCode") });
    await waitFor(() => expect(canvasElement.querySelector(".hljs-keyword")).not.toBeNull());
  },
} satisfies Meta<typeof Markdown>;
export default meta;
type Story = StoryObj<typeof meta>;

export const Default: Story = {};
export const Dark: Story = { beforeEach: dark };
export const HighContrast: Story = { beforeEach: highContrast };
export const DarkHighContrast: Story = { beforeEach: darkHighContrast };
