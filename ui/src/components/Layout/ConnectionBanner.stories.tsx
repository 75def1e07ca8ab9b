import type { Meta, StoryObj } from "@storybook/react-vite";
import { fn } from "storybook/test";
import { ConnectionBannerView } from "./ConnectionBanner";
import { dark } from "./storyDocument";

const meta = {
  component: ConnectionBannerView,
  args: { state: "reconnecting", onRetry: fn() },
} satisfies Meta<typeof ConnectionBannerView>;
export default meta;
type Story = StoryObj<typeof meta>;

export const Reconnecting: Story = {};
export const Connecting: Story = { args: { state: "connecting" } };
export const Offline: Story = { args: { state: "offline" } };
export const OfflineDark: Story = { args: { state: "offline" }, beforeEach: dark };
