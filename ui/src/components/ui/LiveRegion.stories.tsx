import type { Meta, StoryObj } from "@storybook/react-vite";
import { LiveRegion } from "./LiveRegion";

const meta = {
  component: LiveRegion,
  args: { announcement: { id: 1, text: "Connected again." } },
} satisfies Meta<typeof LiveRegion>;
export default meta;

export const Default: StoryObj<typeof meta> = {};
export const Empty: StoryObj<typeof meta> = { args: { announcement: null } };
