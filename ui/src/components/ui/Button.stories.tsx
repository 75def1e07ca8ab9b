import type { Meta, StoryObj } from "@storybook/react-vite";
import { Button } from "./Button";

const meta = { component: Button, args: { children: "Send" } } satisfies Meta<typeof Button>;
export default meta;
type Story = StoryObj<typeof meta>;

export const Primary: Story = { args: { variant: "primary" } };
export const Secondary: Story = { args: { variant: "secondary" } };
export const Ghost: Story = { args: { variant: "ghost" } };
export const Danger: Story = { args: { variant: "danger", children: "End conversation" } };
export const Small: Story = { args: { size: "sm" } };
export const Disabled: Story = { args: { variant: "primary", disabled: true } };
