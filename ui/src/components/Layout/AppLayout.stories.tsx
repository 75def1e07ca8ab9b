import type { Meta, StoryObj } from "@storybook/react-vite";
import { fn } from "storybook/test";
import { AppProviders } from "../../app/AppProviders";
import { createServices } from "../../services";
import { AppLayout } from "./AppLayout";
import { dark } from "./storyDocument";

// Fresh services with no stored session: the layout renders signed out of the server, which is all it needs.
const meta = {
  component: AppLayout,
  args: {
    conversationId: null,
    onOpen: fn(),
    children: (
      <div className="flex flex-1 flex-col justify-end p-4">
        <label htmlFor="composer">Message</label>
        <textarea id="composer" className="border-line rounded-md border" />
      </div>
    ),
  },
  decorators: [
    (Story) => (
      <AppProviders services={createServices({ storage: null })}>
        <Story />
      </AppProviders>
    ),
  ],
} satisfies Meta<typeof AppLayout>;
export default meta;
type Story = StoryObj<typeof meta>;

export const Default: Story = {};
export const Dark: Story = { beforeEach: dark };
