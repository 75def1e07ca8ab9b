import type { Meta, StoryObj } from "@storybook/react-vite";
import { TypingIndicator } from "./TypingIndicator";

const meta = { component: TypingIndicator, args: { active: true } } satisfies Meta<typeof TypingIndicator>;
export default meta;
type Story = StoryObj<typeof meta>;

export const Typing: Story = {};
export const Idle: Story = { args: { active: false } };
