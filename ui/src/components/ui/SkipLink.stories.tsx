import type { Meta, StoryObj } from "@storybook/react-vite";
import { SkipLink } from "./SkipLink";

const meta = {
  component: SkipLink,
  args: { targetId: "composer", children: "Skip to the message box" },
  render: (args) => (
    <>
      <SkipLink {...args} />
      <label htmlFor="composer">Message</label>
      <textarea id="composer" />
    </>
  ),
} satisfies Meta<typeof SkipLink>;
export default meta;

export const Default: StoryObj<typeof meta> = {};
