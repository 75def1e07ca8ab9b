// Story helpers: the app's providers (store for announcements, services for the chat hook) and a frame of a
// fixed height, since the transcript fills its parent.
import type { Decorator } from "@storybook/react-vite";
import { useState, type ReactNode } from "react";
import { AppProviders } from "../../app/AppProviders";
import { createServices } from "../../services";

function Providers({ children }: { children: ReactNode }) {
  const [services] = useState(() => createServices({ storage: null }));
  return <AppProviders services={services}>{children}</AppProviders>;
}

export const withProviders: Decorator = (Story) => (
  <Providers>
    <Story />
  </Providers>
);

export const inFrame: Decorator = (Story) => (
  <div className="flex h-[600px] flex-col border border-line bg-surface text-fg">
    <Story />
  </div>
);
