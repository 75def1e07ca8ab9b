import type { Meta, StoryObj } from "@storybook/react-vite";
import { fn } from "storybook/test";
import { Select } from "./Select";

const meta = {
  component: Select<string>,
  args: {
    label: "Theme",
    value: "system",
    onChange: fn(),
    options: [
      { value: "system", label: "System" },
      { value: "light", label: "Light" },
      { value: "dark", label: "Dark" },
    ],
  },
} satisfies Meta<typeof Select<string>>;
export default meta;
type Story = StoryObj<typeof meta>;

export const Default: Story = {};
export const Languages: Story = {
  args: {
    label: "Language",
    value: "en",
    options: [
      { value: "en", label: "English", lang: "en" },
      { value: "ar", label: "العربية", lang: "ar" },
      { value: "ja", label: "日本語", lang: "ja" },
    ],
  },
};
