import type { Meta, StoryObj } from "@storybook/react-vite";
import { fn } from "storybook/test";
import { Checkbox, Switch } from "./Switch";

const meta = {
  component: Switch,
  args: { label: "High contrast", checked: false, onChange: fn() },
} satisfies Meta<typeof Switch>;
export default meta;
type Story = StoryObj<typeof meta>;

export const Off: Story = {};
export const On: Story = { args: { checked: true } };
export const WithDescription: Story = { args: { description: "Stronger colours and borders." } };
export const AsCheckbox: Story = { render: (args) => <Checkbox {...args} label="Reduce motion" /> };
