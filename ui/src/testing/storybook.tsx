// Storybook: wrap a story in AppProviders with fresh fake services (no network, no service worker).
// `decorators: [withServices((services) => { services.backend.addConversation(...) })]`.
import type { Decorator } from "@storybook/react-vite";
import { useState, type ReactNode } from "react";
import { AppProviders } from "../app/AppProviders";
import { createFakeServices, type TestServices, type TestServicesOptions } from "./fakeServices";

function StoryProviders(props: {
  children: ReactNode;
  options: TestServicesOptions;
  prepare: ((services: TestServices) => void) | undefined;
}) {
  const [services] = useState(() => {
    const created = createFakeServices(props.options);
    props.prepare?.(created);
    return created;
  });
  return <AppProviders services={services}>{props.children}</AppProviders>;
}

export function withServices(
  prepare?: (services: TestServices) => void,
  options: TestServicesOptions = {},
): Decorator {
  // A decorator of that name must render its Story argument.
  const decorator: Decorator = (Story) => (
    <StoryProviders options={options} prepare={prepare}>
      <Story />
    </StoryProviders>
  );
  return decorator;
}
