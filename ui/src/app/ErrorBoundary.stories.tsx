import type { Meta, StoryObj } from "@storybook/react-vite";
import { fn } from "storybook/test";
import { CrashScreen } from "./ErrorBoundary";

const meta = { component: CrashScreen, args: { onReload: fn() } } satisfies Meta<typeof CrashScreen>;
export default meta;

export const Default: StoryObj<typeof meta> = {};
