import type { Meta, StoryObj } from "@storybook/react-vite";
import { Provider } from "react-redux";
import { fn } from "storybook/test";
import { makeStore } from "../../store";
import { SettingsDialog } from "./SettingsDialog";
import { arabic, dark, darkHighContrast, highContrast } from "./storyDocument";

const meta = {
  component: SettingsDialog,
  args: { open: true, onClose: fn() },
  decorators: [
    (Story) => (
      <Provider store={makeStore()}>
        <Story />
      </Provider>
    ),
  ],
} satisfies Meta<typeof SettingsDialog>;
export default meta;
type Story = StoryObj<typeof meta>;

export const Default: Story = {};
export const Dark: Story = { beforeEach: dark };
export const HighContrast: Story = { beforeEach: highContrast };
export const DarkHighContrast: Story = { beforeEach: darkHighContrast };
export const RightToLeft: Story = { beforeEach: arabic };
